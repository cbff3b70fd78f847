using Pgward.Core.Postgres.Wire;
using Xunit;

namespace Pgward.UnitTests.Postgres.Wire;

public sealed class PasswordFileTests
{
    [Fact]
    public void First_matching_line_wins_and_star_matches_anything()
    {
        const string file = """
            # comment
            otherhost:5432:*:pgward:wrong
            /run/pg:5433:*:pgward:second
            *:*:*:pgward:third
            """;

        Assert.Equal("second", PasswordFile.Find(file, "/run/pg", 5433, null, "pgward"));
        Assert.Equal("third", PasswordFile.Find(file, "/run/pg", 5434, "db", "pgward"));
        Assert.Null(PasswordFile.Find(file, "/run/pg", 5433, null, "someone"));
    }

    [Fact]
    public void Escaped_colons_and_backslashes_are_part_of_a_field()
    {
        Assert.Equal("pa:ss\\word", PasswordFile.Find(@"*:*:*:u\:1:pa\:ss\\word", "h", 1, null, "u:1"));
    }

    [Fact]
    public void Line_that_is_not_five_fields_is_an_error()
    {
        Assert.Throws<FormatException>(() => PasswordFile.Find("host:5432:user:password", "h", 1, null, "user"));
        Assert.Throws<FormatException>(() => PasswordFile.Find("host:port:*:user:password", "h", 1, null, "user"));
    }
}
