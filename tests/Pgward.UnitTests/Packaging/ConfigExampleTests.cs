using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Pgward.Backup;
using Pgward.Core.Config;
using Xunit;

namespace Pgward.UnitTests.Packaging;

/// <summary>packaging/pgward.conf.example, installed as /etc/pgward/pgward.conf.example: every setting, commented out with
/// its default (a sample value for the required ones) and a line on what it does.</summary>
public sealed partial class ConfigExampleTests
{
    /// <summary>The agent's TLS settings; listed here until they are in <see cref="ConfigKeys.All"/> of this branch.</summary>
    private static readonly string[] TlsKeys = ["agent_tls", "agent_tls_cert_file", "agent_tls_key_file", "agent_tls_ca_file", "agent_tls_client_auth"];

    private static string ExamplePath([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "..", "packaging", "pgward.conf.example"));

    private static readonly string[] Lines = File.ReadAllLines(ExamplePath());

    private static int BackupSectionLine => Array.IndexOf(Lines, "#[backup]");

    private static IEnumerable<Match> Settings(IEnumerable<string> lines) => lines.Select(l => SettingLine().Match(l)).Where(m => m.Success);

    private static List<string> RootKeys => [.. Settings(Lines.Take(BackupSectionLine)).Select(m => m.Groups["key"].Value)];

    private static List<string> BackupKeys => [.. Settings(Lines.Skip(BackupSectionLine + 1)).Select(m => m.Groups["key"].Value)];

    [Fact]
    public void Every_root_setting_and_every_tls_setting_appears_once_commented_out()
    {
        Assert.True(BackupSectionLine > 0, "the example has a commented-out [backup] section");
        foreach (var key in ConfigKeys.All.Select(k => k.Name).Concat(TlsKeys))
        {
            Assert.True(RootKeys.Count(k => k == key) == 1, $"\"#{key} = ...\" appears once before #[backup] in {ExamplePath()}");
        }
    }

    [Fact]
    public void Every_backup_setting_appears_in_the_backup_section()
    {
        Assert.Equal(BackupOptions.Keys.Order(), BackupKeys.Order());
    }

    [Fact]
    public void Every_setting_has_a_line_saying_what_it_does_above_it()
    {
        for (var i = 0; i < Lines.Length; i++)
        {
            if (SettingLine().IsMatch(Lines[i]))
            {
                Assert.True(i > 0 && Lines[i - 1].StartsWith("# ", StringComparison.Ordinal) && Lines[i - 1].Length > 10,
                    $"line {i + 1} ({Lines[i]}) has no comment above it saying what it does");
            }
        }
    }

    [Fact]
    public void Root_settings_uncommented_are_valid_and_each_optional_one_is_its_default()
    {
        // The TLS settings stay commented out: "agent_tls = on" means something only with a certificate, and its
        // default ("on when agent_tls_cert_file is set") is no single value.
        var text = string.Join('\n', Lines.Take(BackupSectionLine)
            .Select(l => SettingLine().Match(l) is { Success: true } m && !TlsKeys.Contains(m.Groups["key"].Value) ? l[1..] : l));
        var parsed = ConfigParser.Parse(text, "/etc/pgward/pgward.conf");
        Assert.True(parsed.Errors.Count == 0, string.Join("\n", parsed.Errors));

        var bound = ConfigBinder.Bind(parsed.Entries, "/etc/pgward/pgward.conf");

        Assert.True(bound.Succeeded, string.Join("\n", bound.Errors));
        var defaults = new NodeOptions();
        foreach (var key in ConfigKeys.All.Where(k => !k.Required && !TlsKeys.Contains(k.Name)))
        {
            Assert.True(key.Format(defaults) == key.Format(bound.Options!), $"{key.Name}: the example says {key.Format(bound.Options!)}, the default is {key.Format(defaults)}");
        }
    }

    [Fact]
    public void Backup_settings_uncommented_are_valid_and_each_optional_one_is_its_default()
    {
        var section = Settings(Lines.Skip(BackupSectionLine + 1))
            .ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value.Trim('\''));

        var (options, errors, warnings) = BackupOptions.Bind(section, "/etc/pgward/pgward.conf");

        Assert.Empty(errors);
        Assert.Empty(warnings);
        var defaults = new BackupOptions();
        Assert.Equal(defaults.Name, options!.Name);
        Assert.Equal(defaults.SlotName, options.SlotName);
        Assert.Equal(defaults.Compression, options.Compression);
        Assert.Equal(defaults.RetentionPolicy, options.RetentionPolicy);
        Assert.Equal(defaults.MinimumRedundancy, options.MinimumRedundancy);
    }

    [GeneratedRegex(@"^#(?<key>[a-z_]+) = (?<value>.*)$")]
    private static partial Regex SettingLine();
}
