using Pgward.Core.Postgres;
using Xunit;

namespace Pgward.UnitTests.Postgres;

public sealed class PgCtlOptionsTests
{
    [Theory]
    [InlineData("", null, new string[0])]
    [InlineData("-l /var/log/postgresql/postgresql-15-main.log", "/var/log/postgresql/postgresql-15-main.log", new string[0])]
    [InlineData("--log=/l -o '-c work_mem=8MB'", "/l", new[] { "--options", "-c work_mem=8MB" })]
    // A cluster of letters, the last taking its value from the rest of the word; abbreviations as getopt_long reads them.
    [InlineData("-cs -l/l --opt=-k/tmp -p /usr/lib/postgresql/15/bin/postgres", "/l",
        new[] { "--core-files", "--silent", "--options", "-k/tmp", "-p", "/usr/lib/postgresql/15/bin/postgres" })]
    public void Options_of_the_users_own_go_to_pg_ctl_start_and_the_log_file_replaces_pgwards(string text, string? log, string[] start)
    {
        var (options, problem) = PgCtlOptions.Parse(text);

        Assert.Null(problem);
        Assert.Equal(log, options.LogFile);
        Assert.Equal(start, options.StartArguments);
    }

    [Theory]
    [InlineData("-D /elsewhere", "-D (set by data_directory, or config_directory, in pgward.conf)")]
    [InlineData("-m smart", "-m (set by pgward, which chooses how each stop shuts the server down)")]
    [InlineData("--time=600", "--time (set by pgward, which waits as long as each action allows)")]
    [InlineData("-sW", "-W (set by pgward, which waits for each action itself)")]
    [InlineData("-U someone", "-U (set by pg_ctl register (a Windows service), which pgward never runs)")]
    [InlineData("-x", "-x (not an option of pg_ctl)")]
    [InlineData("--colour", "--colour (not an option of pg_ctl)")]
    [InlineData("start", "\"start\" (not an option: pgward names the action)")]
    [InlineData("-l", "-l (needs a value)")]
    [InlineData("-l startup.log", "-l startup.log (the log file must be an absolute path)")]
    [InlineData("-o \"-c a=1", "does not split into arguments: unterminated \"")]
    public void What_pg_ctl_cannot_take_from_the_setting_is_refused_with_why(string text, string refused)
    {
        var (options, problem) = PgCtlOptions.Parse(text);

        Assert.Same(PgCtlOptions.None, options);
        Assert.NotNull(problem);
        Assert.Contains(refused, problem, StringComparison.Ordinal);
    }
}
