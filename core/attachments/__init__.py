"""Photos and attachments (照片和附件): a core service plugins attach files through.

An upload is checked by decoding it (never by its name or the client's Content-Type),
re-encoded from its pixels so no EXIF, GPS, XMP, maker notes or ICC profile survive, given
a phone-sized copy, and stored content-addressed behind ``storage.FileStore``. A row in
``core_attachment`` ties it to a plugin's record at an org node and names the permission
that guards it; ``views`` serves it only to actors holding that permission there (404
otherwise, never a static path).
"""
