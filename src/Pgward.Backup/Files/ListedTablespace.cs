namespace Pgward.Backup.Files;

/// <summary>A tablespace found under <c>pg_tblspc</c>: its OID (the link's name) and where the link points.</summary>
public sealed record ListedTablespace(string Oid, string Location);
