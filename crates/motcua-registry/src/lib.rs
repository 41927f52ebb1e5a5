//! motcua-registry: the resident-data adapter (client of the register API). Built in issue 3.
