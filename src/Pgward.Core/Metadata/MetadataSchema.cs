namespace Pgward.Core.Metadata;

/// <summary>
/// The <c>pgward</c> schema: repmgr's four tables with repmgr's columns, and the backup servers' table. It lives in the database of the
/// primary's conninfo and reaches the standbys through physical replication, which is how every node knows
/// the topology. State that changes every second stays out of it (it would be WAL on every probe).
/// </summary>
public static class MetadataSchema
{
    public const string Name = "pgward";

    /// <summary>Idempotent: creates what is missing, changes nothing that exists.</summary>
    public const string CreateSql = """
        CREATE SCHEMA IF NOT EXISTS pgward;

        CREATE TABLE IF NOT EXISTS pgward.nodes (
          node_id          INTEGER     PRIMARY KEY CHECK (node_id > 0),
          upstream_node_id INTEGER     NULL REFERENCES pgward.nodes (node_id) DEFERRABLE,
          active           BOOLEAN     NOT NULL DEFAULT TRUE,
          node_name        TEXT        NOT NULL UNIQUE,
          type             TEXT        NOT NULL CHECK (type IN ('primary', 'standby', 'witness')),
          location         TEXT        NOT NULL DEFAULT 'default',
          priority         INT         NOT NULL DEFAULT 100 CHECK (priority >= 0),
          conninfo         TEXT        NOT NULL,
          repluser         VARCHAR(63) NOT NULL,
          slot_name        TEXT        NULL,
          config_file      TEXT        NOT NULL
        );

        -- pgward's one addition to repmgr's columns: where the node's agent listens.
        ALTER TABLE pgward.nodes ADD COLUMN IF NOT EXISTS agent_url TEXT NULL;

        CREATE TABLE IF NOT EXISTS pgward.events (
          node_id          INTEGER     NOT NULL,
          event            TEXT        NOT NULL,
          successful       BOOLEAN     NOT NULL DEFAULT TRUE,
          event_timestamp  TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
          details          TEXT        NULL
        );
        CREATE INDEX IF NOT EXISTS events_timestamp_idx ON pgward.events (event_timestamp);

        CREATE TABLE IF NOT EXISTS pgward.monitoring_history (
          primary_node_id            INTEGER     NOT NULL,
          standby_node_id            INTEGER     NOT NULL,
          last_monitor_time          TIMESTAMPTZ NOT NULL,
          last_apply_time            TIMESTAMPTZ,
          last_wal_primary_location  PG_LSN      NOT NULL,
          last_wal_standby_location  PG_LSN,
          replication_lag            BIGINT      NOT NULL,
          apply_lag                  BIGINT      NOT NULL
        );
        CREATE INDEX IF NOT EXISTS monitoring_history_time_idx
          ON pgward.monitoring_history (last_monitor_time, standby_node_id);

        -- One row holding the current electoral term; it can be updated, never deleted.
        CREATE TABLE IF NOT EXISTS pgward.voting_term (
          term INT NOT NULL
        );
        CREATE UNIQUE INDEX IF NOT EXISTS voting_term_one_row ON pgward.voting_term ((TRUE));
        CREATE OR REPLACE RULE voting_term_delete AS ON DELETE TO pgward.voting_term DO INSTEAD NOTHING;
        INSERT INTO pgward.voting_term (term) SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM pgward.voting_term);

        CREATE OR REPLACE VIEW pgward.show_nodes AS
          SELECT n.node_id, n.node_name, n.active, n.upstream_node_id, un.node_name AS upstream_node_name,
                 n.type, n.priority, n.conninfo
            FROM pgward.nodes n
            LEFT JOIN pgward.nodes un ON un.node_id = n.upstream_node_id;
        """;

    /// <summary>
    /// <c>pgward.backup_servers</c>, created by the first <c>backup register</c> (idempotent, so it is also the migration
    /// of a cluster registered before backup servers existed): a cluster without a backup server has no such table,
    /// and <c>cluster show</c> reads its absence as "none". Backup servers are listed by <c>cluster show</c>, never
    /// nodes, so neither voters nor failover candidates; last_seen and the last backup are refreshed by the backup
    /// server's daemon.
    /// </summary>
    public const string CreateBackupServersSql = """
        CREATE TABLE IF NOT EXISTS pgward.backup_servers (
          name              TEXT        PRIMARY KEY,
          host              TEXT        NOT NULL,
          backup_directory  TEXT        NOT NULL,
          slot_name         TEXT        NOT NULL,
          config_file       TEXT        NOT NULL,
          registered_at     TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
          last_seen         TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
          last_backup_id    TEXT        NULL,
          last_backup_time  TIMESTAMPTZ NULL,
          endpoint          TEXT        NULL
        );
        ALTER TABLE pgward.backup_servers ADD COLUMN IF NOT EXISTS endpoint TEXT NULL;
        """;
}
