-- Company branding (Graph's organizationalBranding): one row per localization ('0' is the
-- default, else a language tag such as 'fr-FR'), its texts and colour as JSON; and its files
-- (images, custom CSS), checked on upload and served by their content hash.

CREATE TABLE branding (
    locale          TEXT PRIMARY KEY,
    body            TEXT NOT NULL,          -- BrandingTexts as JSON (and the theme, for '0')
    updated_at_ms   BIGINT NOT NULL
);

CREATE TABLE branding_files (
    locale          TEXT NOT NULL,
    kind            TEXT NOT NULL,          -- background_image | banner_logo | square_logo | custom_css
    hash            TEXT NOT NULL,          -- hex SHA-256 of the bytes: the public file name
    content_type    TEXT NOT NULL,          -- from the bytes, never from the upload's name
    data            TEXT NOT NULL,          -- the bytes, base64
    updated_at_ms   BIGINT NOT NULL,
    PRIMARY KEY (locale, kind)
);
CREATE INDEX branding_files_hash ON branding_files (hash);
