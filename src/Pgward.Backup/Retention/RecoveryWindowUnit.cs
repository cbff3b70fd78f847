namespace Pgward.Backup.Retention;

public enum RecoveryWindowUnit
{
    Days,
    Weeks,
    Months,
}
