/**
 * @module
 * Transport-free extraction errors: a type no extractor reads (`unsupported`), or a
 * file of a supported type that could not be read (`unprocessable`). Both are permanent.
 */
import { AppError } from "../errors.js";

/** The input is not a type this service can read (an image, an arbitrary zip, undecodable binary). */
export class UnsupportedContentType extends AppError {
  override readonly name = "UnsupportedContentType";
  readonly fileName: string | undefined;
  readonly contentType: string | undefined;

  constructor(input: { fileName?: string; contentType?: string }, message?: string) {
    super("unsupported", message ?? describeUnsupported(input));
    this.fileName = input.fileName;
    this.contentType = input.contentType;
  }
}

/** The type is supported but this particular file could not be read (corrupt, truncated, encrypted). */
export class ExtractionFailed extends AppError {
  override readonly name = "ExtractionFailed";
  readonly mimeType: string;
  readonly fileName: string | undefined;

  constructor(input: { mimeType: string; fileName?: string; reason: string; cause?: unknown }) {
    super(
      "unprocessable",
      `Could not extract text from ${input.fileName ? `"${input.fileName}"` : "the file"} (${input.mimeType}): ${input.reason}`,
      {
        cause: input.cause,
      },
    );
    this.mimeType = input.mimeType;
    this.fileName = input.fileName;
  }
}

function describeUnsupported(input: { fileName?: string; contentType?: string }): string {
  const what = input.fileName ? `"${input.fileName}"` : "The file";
  const declared = input.contentType ? ` (declared as ${input.contentType})` : "";
  return `${what}${declared} is not a supported document type; supported: text, markdown, HTML, JSON, CSV, PDF, DOCX, XLSX, PPTX, PNG, JPEG, TIFF`;
}
