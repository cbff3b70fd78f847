using System.Text.Json;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Cluster;

public sealed class EventTests : PgIntegrationTest
{
    // A name a careless notification command would run: quotes, ';', a command substitution.
    private const string PrimaryName = "it's \"primary\"; $(touch pwned)";

    [Fact]
    public async Task Register_and_clone_events_are_logged_and_notified_with_placeholders_even_for_a_hostile_node_name()
    {
        var received = Path.Combine(Directory.Path, "events.log");
        var script = Path.Combine(Directory.Path, "notify.sh");
        await File.WriteAllTextAsync(script, $"#!/bin/sh\nprintf '%s|' \"$@\" >> {received}\necho >> {received}\n", Token);
        var command = $"/bin/sh {script} %n %e %s \"%t\" \"%d\" %p '%a'";

        var primary = await StartServerAsync("primary");
        var primaryConfig = await NodeConfig.WriteAsync(Path.Combine(Directory.Path, "primary.conf"), 1, PrimaryName,
            primary.Conninfo, primary.DataDirectory, Token, ("event_notification_command", command));
        var register = await PgwardCli.RunAsync(Token, "-f", primaryConfig, "primary", "register");
        Assert.True(register.ExitCode == 0, register.ToString());

        var standbyData = await PgServer.DataDirectoryFor(Directory, "standby", Token);
        var standbyConfig = Path.Combine(Directory.Path, "standby.conf");
        // The clone listens on the port its conninfo names (written to postgresql.auto.conf): the one the server gets.
        var standbyPort = FreePort.Next();
        await NodeConfig.WriteAsync(standbyConfig, 2, "node2", $"host=127.0.0.1 port={standbyPort} user=postgres dbname=postgres {TestAuthentication.Current.ConninfoSecurity}", standbyData, Token,
            ("event_notification_command", command));
        var clone = await PgwardCli.RunAsync(Token, "-f", standbyConfig, "standby", "clone", "-h", "127.0.0.1", "-p", $"{primary.Port}",
            "-U", "postgres", "--fast-checkpoint");
        Assert.True(clone.ExitCode == 0, clone.ToString());
        var standby = await PgServer.AdoptAsync(Directory, "standby", PgServerSettings.Default, Token, standbyPort);
        await standby.StartAsync(Token);
        await NodeConfig.WriteAsync(standbyConfig, 2, "node2", standby.Conninfo, standbyData, Token, ("event_notification_command", command));
        var standbyRegister = await PgwardCli.RunAsync(Token, "-f", standbyConfig, "standby", "register");
        Assert.True(standbyRegister.ExitCode == 0, standbyRegister.ToString());

        var events = await PgwardCli.RunAsync(Token, "-f", standbyConfig, "cluster", "event", "--json");
        Assert.True(events.ExitCode == 0, events.ToString());
        using var log = JsonDocument.Parse(events.Out);
        var logged = log.RootElement.EnumerateArray()
            .Select(e => (Event: e.GetProperty("event").GetString(), Ok: e.GetProperty("successful").GetBoolean()))
            .ToList();
        Assert.Contains(("primary_register", true), logged);
        Assert.Contains(("standby_clone", true), logged);
        Assert.Contains(("standby_register", true), logged);

        var lines = (await File.ReadAllLinesAsync(received, Token)).Select(l => l.Split('|')).ToList();
        var primaryRegister = lines.Single(f => f[1] == "primary_register");
        Assert.Equal(["1", "primary_register", "1"], primaryRegister[..3]);
        Assert.Equal(PrimaryName, primaryRegister[6]);
        var standbyRegistered = lines.Single(f => f[1] == "standby_register");
        Assert.Equal(["2", "standby_register", "1"], standbyRegistered[..3]);
        Assert.Equal("standby registration succeeded; upstream node ID is 1", standbyRegistered[4]);
        Assert.Equal("1", standbyRegistered[5]);
        Assert.Equal(PrimaryName, standbyRegistered[6]);
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\+00$", standbyRegistered[3]);
        Assert.Contains(lines, f => f[1] == "standby_clone" && f[2] == "1");
        Assert.False(File.Exists(Path.Combine(Directory.Path, "pwned")));
        Assert.False(File.Exists("/pwned"));
        Assert.False(File.Exists(Path.Combine(Environment.CurrentDirectory, "pwned")));
    }

    [Fact]
    public async Task A_hanging_or_failing_notification_command_does_not_fail_the_operation()
    {
        var primary = await StartServerAsync("primary");
        var hanging = await NodeConfig.WriteAsync(Path.Combine(Directory.Path, "hanging.conf"), 1, "node1",
            primary.Conninfo, primary.DataDirectory, Token, ("event_notification_command", "sleep 60"), ("event_notification_timeout", "1"));

        var register = await PgwardCli.RunAsync(Token, "-f", hanging, "primary", "register");

        Assert.True(register.ExitCode == 0, register.ToString());
        Assert.Contains("was stopped after 1 seconds", register.Error, StringComparison.Ordinal);

        var failing = await NodeConfig.WriteAsync(Path.Combine(Directory.Path, "failing.conf"), 1, "node1",
            primary.Conninfo, primary.DataDirectory, Token, ("event_notification_command", "exit 3"));
        var again = await PgwardCli.RunAsync(Token, "-f", failing, "primary", "register", "-F");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("exited with code 3", again.Error, StringComparison.Ordinal);
    }
}
