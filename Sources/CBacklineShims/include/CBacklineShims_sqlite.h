// SQLite extended result codes are macro expressions (`SQLITE_CONSTRAINT | (7<<8)`) Swift cannot
// import; they become constants here. Every symbol is prefixed CBacklineShims_.
#ifndef CBACKLINE_SHIMS_SQLITE_H
#define CBACKLINE_SHIMS_SQLITE_H

#include <sqlite3.h>

/// SQLITE_CONSTRAINT_TRIGGER: a RAISE(ABORT) in a trigger refused the change.
extern const int CBacklineShims_SQLITE_CONSTRAINT_TRIGGER;
/// SQLITE_CONSTRAINT_PRIMARYKEY.
extern const int CBacklineShims_SQLITE_CONSTRAINT_PRIMARYKEY;
/// SQLITE_CONSTRAINT_UNIQUE.
extern const int CBacklineShims_SQLITE_CONSTRAINT_UNIQUE;

#endif
