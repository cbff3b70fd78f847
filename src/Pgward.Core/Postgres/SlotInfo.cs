namespace Pgward.Core.Postgres;

public sealed record SlotInfo(string SlotName, string SlotType, bool Active);
