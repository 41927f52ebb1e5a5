//! motcua-files: attachment storage (S3 through rust-s3, and a local directory). Built in issue 4.
