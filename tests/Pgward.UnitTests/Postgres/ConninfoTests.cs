using Pgward.Core.Postgres;
using Xunit;

namespace Pgward.UnitTests.Postgres;

public sealed class ConninfoTests
{
    [Fact]
    public void Parse_reads_keywords_in_order_when_keyword_value_form()
    {
        var conninfo = Conninfo.Parse("host=127.0.0.1 port=5501 user=pgward dbname=pgward connect_timeout=2");

        Assert.Equal(["host", "port", "user", "dbname", "connect_timeout"], conninfo.Keywords.Keys);
        Assert.Equal("127.0.0.1", conninfo.Host);
        Assert.Equal(5501, conninfo.Port);
        Assert.Equal("pgward", conninfo.User);
        Assert.Equal("pgward", conninfo.DbName);
        Assert.Equal("2", conninfo["connect_timeout"]);
        Assert.Null(conninfo["password"]);
    }

    [Fact]
    public void Parse_accepts_spaces_around_equals_and_quoted_values_with_escapes()
    {
        var conninfo = Conninfo.Parse("  host = db1   password = 'it\\'s a \\\\ secret'  options='-c search_path=x' application_name=''");

        Assert.Equal("db1", conninfo.Host);
        Assert.Equal("it's a \\ secret", conninfo["password"]);
        Assert.Equal("-c search_path=x", conninfo["options"]);
        Assert.Equal("", conninfo["application_name"]);
    }

    [Fact]
    public void Parse_keeps_last_value_at_first_position_when_keyword_repeats()
    {
        var conninfo = Conninfo.Parse("host=a port=1 host=b");

        Assert.Equal(["host", "port"], conninfo.Keywords.Keys);
        Assert.Equal("b", conninfo.Host);
    }

    [Fact]
    public void Port_defaults_to_5432_when_absent() => Assert.Equal(5432, Conninfo.Parse("host=a").Port);

    [Theory]
    [InlineData("host", "missing \"=\" after \"host\" in connection info string")]
    [InlineData("host=a port", "missing \"=\" after \"port\" in connection info string")]
    [InlineData("password='abc", "unterminated quoted string in connection info string")]
    [InlineData("hots=a", "invalid connection option \"hots\"")]
    [InlineData("port=abc", "invalid port number: \"abc\"")]
    [InlineData("port=70000", "invalid port number: \"70000\"")]
    public void TryParse_returns_libpq_error_when_malformed(string text, string expectedError)
    {
        Assert.False(Conninfo.TryParse(text, out var conninfo, out var error));
        Assert.Null(conninfo);
        Assert.Equal(expectedError, error);
        Assert.Equal(expectedError, Assert.Throws<FormatException>(() => Conninfo.Parse(text)).Message);
    }

    [Fact]
    public void Parse_accepts_empty_string_as_no_keywords() => Assert.Empty(Conninfo.Parse("  ").Keywords);

    [Fact]
    public void Parse_reads_every_part_when_uri_form()
    {
        var conninfo = Conninfo.Parse("postgresql://pgward:s%40cret@db1.example:5501/pgward?connect_timeout=2&application_name=node1");

        Assert.Equal(["user", "password", "host", "port", "dbname", "connect_timeout", "application_name"], conninfo.Keywords.Keys);
        Assert.Equal("s@cret", conninfo["password"]);
        Assert.Equal("db1.example", conninfo.Host);
        Assert.Equal(5501, conninfo.Port);
        Assert.Equal("pgward", conninfo.DbName);
        Assert.Equal("node1", conninfo["application_name"]);
    }

    [Fact]
    public void Parse_reads_multiple_hosts_ipv6_and_socket_paths_when_uri_form()
    {
        Assert.Equal("host=a,b port=1,2", Conninfo.Parse("postgresql://a:1,b:2").ToString());
        Assert.Equal("host=::1,a port=5433,", Conninfo.Parse("postgres://[::1]:5433,a").ToString());
        Assert.Equal("host=/var/run/postgresql dbname=db", Conninfo.Parse("postgresql://%2Fvar%2Frun%2Fpostgresql/db").ToString());
        Assert.Equal("dbname=db", Conninfo.Parse("postgresql:///db").ToString());
        Assert.Equal("host=h sslmode=require", Conninfo.Parse("postgresql://h?ssl=true").ToString());
    }

    [Theory]
    [InlineData("postgresql://h?nope=1", "invalid URI query parameter: \"nope\"")]
    [InlineData("postgresql://h?connect_timeout", "missing key/value separator \"=\" in URI query parameter: \"connect_timeout\"")]
    [InlineData("postgresql://h/%zz", "invalid percent-encoded token: \"%zz\"")]
    [InlineData("postgresql://h/a%00", "forbidden value %00 in percent-encoded value: \"a%00\"")]
    [InlineData("postgresql://[::1", "end of string reached when looking for matching \"]\" in IPv6 host address in URI: \"[::1\"")]
    [InlineData("postgresql://h:x", "invalid port number: \"x\"")]
    public void TryParse_returns_error_when_uri_malformed(string text, string expectedError)
    {
        Assert.False(Conninfo.TryParse(text, out _, out var error));
        Assert.Equal(expectedError, error);
    }

    [Fact]
    public void ToString_quotes_only_values_that_need_it()
    {
        var conninfo = Conninfo.Parse("host=a user='plain' password='two words' options='it\\'s' passfile='C:\\\\x' application_name=''");

        Assert.Equal(
            "host=a user=plain password='two words' options='it\\'s' passfile='C:\\\\x' application_name=''",
            conninfo.ToString());
        Assert.Equal(conninfo.Keywords, Conninfo.Parse(conninfo.ToString()).Keywords);
    }

    [Theory]
    [InlineData("abc", "abc")]
    [InlineData("", "''")]
    [InlineData("a b", "'a b'")]
    [InlineData("a\tb", "'a\tb'")]
    [InlineData("it's", "'it\\'s'")]
    [InlineData("back\\slash", "'back\\\\slash'")]
    [InlineData("x=y", "x=y")]
    public void Quote_escapes_for_libpq(string value, string expected) => Assert.Equal(expected, Conninfo.Quote(value));

    [Fact]
    public void ToMaskedString_hides_password_when_keyword_form()
    {
        var conninfo = Conninfo.Parse("host=a password='s3cr3t word' sslpassword=k user=u");

        Assert.Equal("host=a password=***** sslpassword=***** user=u", conninfo.ToMaskedString());
        Assert.Contains("s3cr3t", conninfo.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ToMaskedString_hides_password_when_uri_form()
    {
        var masked = Conninfo.Parse("postgresql://u:s3cr3t@h/db").ToMaskedString();

        Assert.Equal("user=u password=***** host=h dbname=db", masked);
        Assert.DoesNotContain("s3cr3t", masked, StringComparison.Ordinal);
    }

    [Fact]
    public void With_sets_appends_and_removes_without_changing_the_original()
    {
        var original = Conninfo.Parse("host=a port=1 user=u");

        Assert.Equal("host=b port=1 user=u", original.With("host", "b").ToString());
        Assert.Equal("host=a port=1 user=u application_name=node1", original.With("application_name", "node1").ToString());
        Assert.Equal("host=a user=u", original.With("port", null).ToString());
        Assert.Equal("host=a port=1 user=u", original.ToString());
    }

    [Fact]
    public void With_throws_when_keyword_unknown_or_value_invalid()
    {
        var conninfo = Conninfo.Parse("host=a");

        Assert.Throws<ArgumentException>(() => conninfo.With("hots", "b"));
        Assert.Throws<ArgumentException>(() => conninfo.With("port", "x"));
    }

    [Fact]
    public void WithSecurityOf_takes_tls_and_passfile_but_neither_password_nor_address()
    {
        var local = Conninfo.Parse("host=10.0.0.2 port=5433 user=me password=secret passfile=/p sslmode=verify-full sslrootcert='/a b/ca.crt'");
        var source = Conninfo.Parse("host=10.0.0.1 port=5432 user=repl sslmode=disable");

        var secured = source.WithSecurityOf(local);

        Assert.Equal("host=10.0.0.1 port=5432 user=repl sslmode=verify-full passfile=/p sslrootcert='/a b/ca.crt'", secured.ToString());
    }
}
