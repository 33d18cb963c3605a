"""PostgreSQL: staff roles, grants, row-level security and the audited reveal function

Revision ID: 0007_pg_access
Revises: 0006_staff
Create Date: 2026-11-30 19:50:00

On PostgreSQL the database itself holds the rights table of DESIGN.md ("Staff and access"), so
a staff member who opens psql with their own login can do no more than the program lets them:

- a group role per bedboard role (bedboard_night, _outreach, _coordinator, _admin, all members
  of bedboard_staff); each staff login is a member of one (`bedboard staff add` makes it);
- GRANTs per group, table by table (column by column for guests, staff and the audit log);
- row-level security: night staff write nights, stays, holds and turnaways only at the sites the
  staff table gives them; outreach writes only held nights;
- guests' names and notes are readable by no group: `bedboard_reveal_name(code, reason)`, a
  SECURITY DEFINER function, checks the caller's right, writes the audit entry (hash-chained
  like the program's own) and only then returns the name, in one transaction;
- a trigger refuses an audit entry from a staff login whose actor is not `current_user`.

The app's owner role (the default single-owner setup: demo, tests) owns the tables and is not
touched by any of this. Group roles are cluster-wide: they are made when missing and the
migrating role may create roles; otherwise this revision changes nothing and `bedboard db
check` names what is missing (the README shows the SQL a superuser runs first).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

revision: str = "0007_pg_access"
down_revision: str | None = "0006_staff"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GROUPS = ("bedboard_night", "bedboard_outreach", "bedboard_coordinator", "bedboard_admin")
ALL = "bedboard_staff"
WRITERS_EVERYWHERE = "bedboard_coordinator, bedboard_admin"

# Columns of guests every group may read: what placement, eligibility and the desk need.
# name and notes are left out: only bedboard_reveal_name / bedboard_guest_notes read them.
GUEST_COLUMNS = "id, code, protected, birth_year, languages, gender, needs, household_id"
STAFF_COLUMNS = "id, login, name, role, active, created_at"
READ_BY_ALL = (
    "sites",
    "units",
    "households",
    "avoid_rules",
    "payers",
    "stays",
    "holds",
    "hold_units",
    "bed_nights",
    "adjustments",  # the board shows a corrected night's current payer and amount
    "rates",
    "commitments",
    "closed_nights",
    "turnaways",
    "revision",
    "staff_sites",
    "alembic_version",
)

GRANTS = [
    f"GRANT USAGE ON SCHEMA {{schema}} TO {ALL}",
    f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {{schema}} TO {ALL}",
    *(f"GRANT SELECT ON {table} TO {ALL}" for table in READ_BY_ALL),
    f"GRANT SELECT ({GUEST_COLUMNS}) ON guests TO {ALL}",
    f"GRANT SELECT ({STAFF_COLUMNS}) ON staff TO {ALL}",
    # Every write bumps the revision and appends to the audit log, whose newest hash it reads.
    f"GRANT UPDATE (value) ON revision TO {ALL}",
    f"GRANT SELECT (id, hash), INSERT ON audit_log TO {ALL}",
    # night: book, hold, check out, turn away (at its sites: the policies below); check-in makes
    # a guest row for a new code.
    "GRANT INSERT, UPDATE, DELETE ON bed_nights, stays, holds, hold_units TO bedboard_night",
    "GRANT INSERT ON turnaways TO bedboard_night",
    "GRANT INSERT (code, protected, languages, notes, needs) ON guests TO bedboard_night",
    # outreach: hold anywhere, register guests, record turnaways.
    "GRANT INSERT, UPDATE, DELETE ON bed_nights, holds, hold_units TO bedboard_outreach",
    "GRANT INSERT, UPDATE ON guests, households TO bedboard_outreach",
    "GRANT INSERT, DELETE ON avoid_rules TO bedboard_outreach",
    "GRANT INSERT ON turnaways TO bedboard_outreach",
    # coordinator: all of that everywhere, billing, commitments, corrections, close, the log.
    "GRANT INSERT, UPDATE, DELETE ON bed_nights, stays, holds, hold_units, households, "
    "avoid_rules, commitments, adjustments TO bedboard_coordinator",
    "GRANT INSERT, UPDATE ON guests TO bedboard_coordinator",
    "GRANT INSERT ON turnaways, closed_nights TO bedboard_coordinator",
    "GRANT SELECT ON compensation_rates, audit_log, audit_anchor TO bedboard_coordinator",
    # admin: everything (staff, inventory, payers, rates, forget) but reading names directly.
    "GRANT SELECT, INSERT, UPDATE, DELETE ON sites, units, households, avoid_rules, payers, "
    "stays, holds, hold_units, bed_nights, rates, adjustments, commitments, compensation_rates, "
    "closed_nights, turnaways, staff_sites TO bedboard_admin",
    "GRANT INSERT, UPDATE, DELETE ON guests, staff TO bedboard_admin",
    "GRANT SELECT ON audit_log, audit_anchor TO bedboard_admin",
]

# Row-level security. The owner is exempt (it owns the tables); every group reads all rows
# (availability everywhere), and writes as its role allows.
RLS_TABLES = ("bed_nights", "stays", "holds", "hold_units", "turnaways")
MY_SITE = """EXISTS (SELECT 1 FROM staff s JOIN staff_sites ss ON ss.staff_id = s.id
                      WHERE s.login = current_user AND s.active AND ss.site_id = {site})"""


def _at_unit(table: str) -> str:
    return MY_SITE.format(site=f"(SELECT u.site_id FROM units u WHERE u.id = {table}.unit_id)")


# A stay is at the night worker's sites when none of its nights is elsewhere (a new stay has
# none yet; its nights are checked as they are written).
NIGHT_STAY = """NOT EXISTS (SELECT 1 FROM bed_nights b JOIN units u ON u.id = b.unit_id
                             WHERE b.stay_id = stays.id AND NOT {mine})""".format(
    mine=MY_SITE.format(site="u.site_id")
)
POLICIES = {
    "bed_nights": [
        ("night_own_sites", "bedboard_night", _at_unit("bed_nights")),
        ("outreach_held_only", "bedboard_outreach", "state = 'held'"),
    ],
    "holds": [
        ("night_own_sites", "bedboard_night", _at_unit("holds")),
        ("outreach_everywhere", "bedboard_outreach", "true"),
    ],
    "hold_units": [
        ("night_own_sites", "bedboard_night", _at_unit("hold_units")),
        ("outreach_everywhere", "bedboard_outreach", "true"),
    ],
    "stays": [("night_own_sites", "bedboard_night", NIGHT_STAY)],
    "turnaways": [
        (
            "night_own_sites",
            "bedboard_night",
            "turnaways.site_id IS NOT NULL AND " + MY_SITE.format(site="turnaways.site_id"),
        ),
        ("outreach_everywhere", "bedboard_outreach", "true"),
    ],
}

# The audit actor of a staff login is the login (`--user` cannot change it). The owner, and
# the SECURITY DEFINER functions running as the owner, are not staff logins.
ACTOR_TRIGGER = [
    """CREATE FUNCTION bedboard_is_staff_login(who name) RETURNS boolean
       LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
         SELECT EXISTS (
           SELECT 1 FROM pg_auth_members m
             JOIN pg_roles g ON g.oid = m.roleid
             JOIN pg_roles r ON r.oid = m.member
            WHERE r.rolname = who
              AND g.rolname IN ('bedboard_night', 'bedboard_outreach',
                                'bedboard_coordinator', 'bedboard_admin'))
       $$""",
    # ... and its entry must continue the chain: the newest hash before it, its own hash as
    # audit.entry_hash computes it. A staff login cannot append an entry `audit verify` would
    # call broken (the program's own entries always pass).
    """CREATE FUNCTION bedboard_audit_actor() RETURNS trigger
       LANGUAGE plpgsql SET search_path = {schema}, pg_temp AS $$
       BEGIN
         IF NOT bedboard_is_staff_login(current_user) THEN
           RETURN NEW;
         END IF;
         IF NEW.actor IS DISTINCT FROM current_user THEN
           RAISE EXCEPTION 'bedboard: the audit actor of a staff login is the login (%)',
             current_user USING ERRCODE = 'insufficient_privilege';
         END IF;
         IF NEW.prev_hash IS DISTINCT FROM coalesce(
              (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), repeat('0', 64))
            OR NEW.hash IS DISTINCT FROM bedboard_entry_hash(
              NEW.prev_hash, NEW.at, NEW.actor, NEW.action, NEW.target, NEW.detail) THEN
           RAISE EXCEPTION 'bedboard: an audit entry must continue the hash chain'
             USING ERRCODE = 'insufficient_privilege';
         END IF;
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER audit_log_actor BEFORE INSERT ON audit_log
       FOR EACH ROW EXECUTE FUNCTION bedboard_audit_actor()""",
]

# Python's json.dumps of one string: ensure_ascii for the hash payload (audit.entry_hash),
# without it for the detail (audit.record). Must match byte for byte, or `audit verify` fails.
JSON_STRING = """CREATE FUNCTION bedboard_json_string(s text, ascii_only boolean) RETURNS text
   LANGUAGE plpgsql IMMUTABLE STRICT AS $$
   DECLARE
     result text := '"';
     ch text;
     code int;
   BEGIN
     FOR i IN 1 .. char_length(s) LOOP
       ch := substr(s, i, 1);
       code := ascii(ch);
       IF ch = '"' THEN result := result || '\\"';
       ELSIF ch = '\\' THEN result := result || '\\\\';
       ELSIF code = 10 THEN result := result || '\\n';
       ELSIF code = 13 THEN result := result || '\\r';
       ELSIF code = 9 THEN result := result || '\\t';
       ELSIF code = 8 THEN result := result || '\\b';
       ELSIF code = 12 THEN result := result || '\\f';
       ELSIF code < 32 OR (ascii_only AND code > 126 AND code < 65536) THEN
         result := result || '\\u' || lpad(to_hex(code), 4, '0');
       ELSIF ascii_only AND code >= 65536 THEN
         code := code - 65536;
         result := result || '\\u' || lpad(to_hex(55296 + (code >> 10)), 4, '0')
                          || '\\u' || lpad(to_hex(56320 + (code & 1023)), 4, '0');
       ELSE result := result || ch;
       END IF;
     END LOOP;
     RETURN result || '"';
   END $$"""

# audit.entry_hash: sha256 of json.dumps([prev_hash, at.isoformat(), actor, action, target,
# detail]).
ENTRY_HASH = """CREATE FUNCTION bedboard_entry_hash(
       p_prev text, p_at timestamp, p_actor text, p_action text, p_target text, p_detail text)
   RETURNS text LANGUAGE sql IMMUTABLE SET search_path = {schema}, pg_temp AS $$
     SELECT encode(sha256(convert_to('[' || bedboard_json_string(p_prev, true)
       || ', ' || bedboard_json_string(to_char(p_at, 'YYYY-MM-DD"T"HH24')
            || ':' || to_char(p_at, 'MI') || ':' || to_char(p_at, 'SS')
            || CASE WHEN date_trunc('second', p_at) = p_at THEN ''
                    ELSE '.' || to_char(p_at, 'US') END, true)
       || ', ' || bedboard_json_string(p_actor, true)
       || ', ' || bedboard_json_string(p_action, true)
       || ', ' || bedboard_json_string(p_target, true)
       || ', ' || bedboard_json_string(p_detail, true) || ']', 'UTF8')), 'hex')
   $$"""

# One audit entry, chained like audit.record: writers serialise on the revision row first.
AUDIT_APPEND = """CREATE FUNCTION bedboard_audit_append(
       p_actor text, p_action text, p_target text, p_detail text) RETURNS void
   LANGUAGE plpgsql SET search_path = {schema}, pg_temp AS $$
   DECLARE
     prev text;
     at_ timestamp := date_trunc('second', now() AT TIME ZONE 'UTC');
   BEGIN
     UPDATE revision SET value = value + 1;
     PERFORM pg_notify('bedboard_revision', '');
     SELECT hash INTO prev FROM audit_log ORDER BY id DESC LIMIT 1;
     prev := coalesce(prev, repeat('0', 64));
     INSERT INTO audit_log (at, actor, action, target, detail, prev_hash, hash)
     VALUES (at_, p_actor, p_action, p_target, p_detail, prev,
             bedboard_entry_hash(prev, at_, p_actor, p_action, p_target, p_detail));
   END $$"""

# The caller's bedboard role, from the group it is a member of and its active staff row.
CALLER_ROLE = """CREATE FUNCTION bedboard_caller_role(who name) RETURNS text
   LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
     SELECT s.role FROM staff s
      WHERE s.login = who AND s.active
        AND pg_has_role(who, 'bedboard_' || s.role, 'MEMBER')
   $$"""

REVEAL = """CREATE FUNCTION bedboard_reveal_name(
       p_guest_code text, p_reason text, p_confirmed_by text DEFAULT NULL) RETURNS text
   LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
   DECLARE
     caller text := session_user;
     caller_role text := bedboard_caller_role(session_user);
     reason text := btrim(coalesce(p_reason, ''));
     confirmer text := nullif(btrim(coalesce(p_confirmed_by, '')), '');
     g guests%ROWTYPE;
   BEGIN
     IF caller_role IS NULL THEN
       RAISE EXCEPTION 'bedboard: % is not an active staff member', caller
         USING ERRCODE = 'insufficient_privilege';
     END IF;
     IF reason = '' THEN
       RAISE EXCEPTION 'bedboard: a reveal needs a reason' USING ERRCODE = 'check_violation';
     END IF;
     IF char_length(reason) > 300 OR reason ~ '[[:cntrl:]]' THEN
       RAISE EXCEPTION 'bedboard: the reason is one line of at most 300 characters'
         USING ERRCODE = 'check_violation';
     END IF;
     SELECT * INTO g FROM guests WHERE code = btrim(p_guest_code);
     IF NOT FOUND THEN
       RAISE EXCEPTION 'bedboard: no guest %', btrim(p_guest_code)
         USING ERRCODE = 'no_data_found';
     END IF;
     IF caller_role = 'outreach' OR (caller_role = 'night' AND NOT EXISTS (
          SELECT 1 FROM bed_nights b JOIN units u ON u.id = b.unit_id
            JOIN staff_sites ss ON ss.site_id = u.site_id
            JOIN staff s ON s.id = ss.staff_id
           WHERE b.guest_id = g.id AND s.login = caller)) THEN
       RAISE EXCEPTION 'bedboard: % (%) may not reveal %', caller, caller_role, g.code
         USING ERRCODE = 'insufficient_privilege';
     END IF;
     IF g.protected THEN
       -- A second staff member confirmed in their own session (bedboard_confirm_reveal)
       -- within the last 15 minutes; each confirmation serves one reveal.
       DELETE FROM reveal_confirmations c
        WHERE c.id = (SELECT c2.id FROM reveal_confirmations c2
                       WHERE c2.guest_id = g.id AND c2.for_login = caller
                         AND c2.confirmed_by IS DISTINCT FROM caller
                         AND (confirmer IS NULL OR c2.confirmed_by = confirmer)
                         AND c2.at > (now() AT TIME ZONE 'UTC') - interval '15 minutes'
                       ORDER BY c2.id LIMIT 1)
       RETURNING c.confirmed_by INTO confirmer;
       IF confirmer IS NULL THEN
         RAISE EXCEPTION 'bedboard: % protected: a second staff member must confirm', g.code
           USING ERRCODE = 'insufficient_privilege';
       END IF;
     END IF;
     PERFORM bedboard_audit_append(caller, 'reveal_name', 'guest:' || g.code,
       '{{"confirmed_by": ' || coalesce(bedboard_json_string(confirmer, false), 'null')
       || ', "protected": ' || CASE WHEN g.protected THEN 'true' ELSE 'false' END
       || ', "reason": ' || bedboard_json_string(reason, false)
       || ', "via": "bedboard_reveal_name"}}');
     RETURN coalesce(g.name, '');
   END $$"""

CONFIRM = """CREATE FUNCTION bedboard_confirm_reveal(p_guest_code text, p_for_login text)
   RETURNS void
   LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
   DECLARE
     caller text := session_user;
     caller_role text := bedboard_caller_role(session_user);
     gid int;
   BEGIN
     SELECT id INTO gid FROM guests WHERE code = btrim(p_guest_code);
     IF gid IS NULL THEN
       RAISE EXCEPTION 'bedboard: no guest %', btrim(p_guest_code)
         USING ERRCODE = 'no_data_found';
     END IF;
     IF caller_role IS NULL OR caller_role = 'outreach' OR caller = btrim(p_for_login)
        OR (caller_role = 'night' AND NOT EXISTS (
          SELECT 1 FROM bed_nights b JOIN units u ON u.id = b.unit_id
            JOIN staff_sites ss ON ss.site_id = u.site_id
            JOIN staff s ON s.id = ss.staff_id
           WHERE b.guest_id = gid AND s.login = caller)) THEN
       RAISE EXCEPTION 'bedboard: % may not confirm this reveal', caller
         USING ERRCODE = 'insufficient_privilege';
     END IF;
     INSERT INTO reveal_confirmations (guest_id, for_login, confirmed_by, at)
     VALUES (gid, btrim(p_for_login), caller, now() AT TIME ZONE 'UTC');
   END $$"""

# What the desk may know of a guest's name and notes without a reveal: whether a name is
# recorded, and the notes (for those who register guests; notes are intake text).
GUEST_PRIVATE = """CREATE FUNCTION bedboard_guest_private(p_guest_code text,
       OUT name_recorded boolean, OUT notes text)
   LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
   BEGIN
     IF coalesce(bedboard_caller_role(session_user), '') NOT IN
        ('outreach', 'coordinator', 'admin') THEN
       RAISE EXCEPTION 'bedboard: % may not read guests'' notes', session_user
         USING ERRCODE = 'insufficient_privilege';
     END IF;
     SELECT g.name IS NOT NULL, g.notes INTO name_recorded, notes
       FROM guests g WHERE g.code = btrim(p_guest_code);
   END $$"""

FUNCTIONS = ("bedboard_reveal_name", "bedboard_confirm_reveal", "bedboard_guest_private")
FUNCTION_SIGNATURES = {
    "bedboard_reveal_name": "(text, text, text)",
    "bedboard_confirm_reveal": "(text, text)",
    "bedboard_guest_private": "(text)",
}


def _can_have_groups(conn) -> bool:  # type: ignore[no-untyped-def]
    """The group roles exist, or the migrating role may create them."""
    missing = [
        g
        for g in (ALL, *GROUPS)
        if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :g"), {"g": g}).first() is None
    ]
    if not missing:
        return True
    may = conn.execute(
        text("SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user")
    ).scalar()
    if not may:
        return False
    for group in missing:
        # Another database on the server may be migrating at the same moment (roles are
        # cluster-wide; the migration lock is per database): whoever is second finds it made.
        op.execute(
            f"DO $$ BEGIN CREATE ROLE {group} NOLOGIN; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )
    for group in GROUPS:
        op.execute(f"GRANT {ALL} TO {group}")
    return True


def upgrade() -> None:
    # On every backend, so the schema matches the models; only PostgreSQL's functions use it.
    op.create_table(
        "reveal_confirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guest_id", sa.Integer(), nullable=False),
        sa.Column("for_login", sa.String(length=63), nullable=False),
        sa.Column("confirmed_by", sa.String(length=63), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["guest_id"], ["guests.id"], name=op.f("fk_reveal_confirmations_guest_id_guests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reveal_confirmations")),
    )
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    if not _can_have_groups(conn):
        return
    schema = '"' + str(conn.execute(text("SELECT current_schema()")).scalar()) + '"'
    for statement in GRANTS:
        op.execute(statement.replace("{schema}", schema))
    for table in RLS_TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY staff_read ON {table} FOR SELECT TO {ALL} USING (true)")
        op.execute(
            f"CREATE POLICY everywhere ON {table} FOR ALL TO {WRITERS_EVERYWHERE} "
            "USING (true) WITH CHECK (true)"
        )
        for name, group, rule in POLICIES.get(table, []):
            op.execute(
                f"CREATE POLICY {name} ON {table} FOR ALL TO {group} "
                f"USING ({rule}) WITH CHECK ({rule})"
            )
    for statement in (JSON_STRING, ENTRY_HASH, *ACTOR_TRIGGER, AUDIT_APPEND, CALLER_ROLE):
        op.execute(statement.replace("{schema}", schema))
    for statement in (REVEAL, CONFIRM, GUEST_PRIVATE):
        op.execute(statement.replace("{schema}", schema).replace("{{", "{").replace("}}", "}"))
    # Functions are executable by PUBLIC by default; only staff (and the owner) may call these.
    for name in ("bedboard_audit_append", "bedboard_caller_role", *FUNCTIONS):
        signature = {
            "bedboard_audit_append": "(text, text, text, text)",
            "bedboard_caller_role": "(name)",
            **FUNCTION_SIGNATURES,
        }[name]
        op.execute(f"REVOKE EXECUTE ON FUNCTION {name}{signature} FROM PUBLIC")
    for name in FUNCTIONS:
        op.execute(f"GRANT EXECUTE ON FUNCTION {name}{FUNCTION_SIGNATURES[name]} TO {ALL}")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        op.drop_table("reveal_confirmations")
        return
    present = conn.execute(
        text("SELECT to_regprocedure('bedboard_reveal_name(text, text, text)')")
    ).scalar()
    if present is None:
        op.drop_table("reveal_confirmations")
        return  # upgrade found no group roles and made nothing else
    for name in FUNCTIONS:
        op.execute(f"DROP FUNCTION {name}{FUNCTION_SIGNATURES[name]}")
    op.execute("DROP FUNCTION bedboard_caller_role(name)")
    op.execute("DROP FUNCTION bedboard_audit_append(text, text, text, text)")
    op.execute("DROP TRIGGER audit_log_actor ON audit_log")
    op.execute("DROP FUNCTION bedboard_audit_actor()")
    op.execute("DROP FUNCTION bedboard_entry_hash(text, timestamp, text, text, text, text)")
    op.execute("DROP FUNCTION bedboard_json_string(text, boolean)")
    op.execute("DROP FUNCTION bedboard_is_staff_login(name)")
    for table in RLS_TABLES:
        for name, _group, _rule in POLICIES.get(table, []):
            op.execute(f"DROP POLICY {name} ON {table}")
        op.execute(f"DROP POLICY everywhere ON {table}")
        op.execute(f"DROP POLICY staff_read ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.execute("DROP TABLE reveal_confirmations")
    # The group roles are cluster-wide (other databases may use them): they stay, without
    # this database's privileges.
    schema = '"' + str(conn.execute(text("SELECT current_schema()")).scalar()) + '"'
    for group in (*GROUPS, ALL):
        op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {group}")
        op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {group}")
        op.execute(f"REVOKE ALL ON SCHEMA {schema} FROM {group}")
