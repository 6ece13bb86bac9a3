-- A stored file's bytes in parts of at most 1 MiB (lib/store/file-content.ts): memory_files.content holds the
-- first part (the whole file when it fits, or when it was stored before this table), memory_file_parts the rest,
-- numbered from 1. Written as one bytea value, a 25 MiB upload made the embedded database (PGlite) hold the
-- statement, the value and its compressed copy at once in its WebAssembly memory, which never shrinks: it grew
-- from 128 to 221 MiB for one upload. Part by part, no statement carries more than one part.
create table memory_file_parts (
  index_name text not null,
  document_id text not null,
  file_id text not null,
  part integer not null check (part >= 1),
  bytes bytea not null,
  primary key (index_name, document_id, file_id, part),
  -- Replacing or deleting the file (or its document, or its index) deletes its parts.
  foreign key (index_name, document_id, file_id) references memory_files on delete cascade
);

-- Dropping a file's bytes (KEEP_ORIGINAL_FILES=false: `set content = null` once its chunks are saved) drops its
-- other parts with them, whichever statement does it.
create function memory_file_parts_drop() returns trigger language plpgsql as $$
begin
  delete from memory_file_parts
   where index_name = old.index_name and document_id = old.document_id and file_id = old.file_id;
  return null;
end $$;

create trigger memory_files_content_dropped after update of content on memory_files
  for each row when (old.content is not null and new.content is null)
  execute function memory_file_parts_drop();
