-- Why a completed document holds no text (a scan with OCR off, an image OCR found nothing in, an empty file):
-- set by the same statement that marks it saved, null when it has chunks. GET /upload-status reports such a
-- document as Kernel Memory's `empty: true` with this reason as its explanation, never as ready to search.
alter table memory_documents add column empty_reason text;
