using Pgward.Core.Postgres.Wire;
using Xunit;

namespace Pgward.UnitTests.Postgres.Wire;

public sealed class ScramSha256ClientTests
{
    // RFC 7677, section 3.
    private const string ServerFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

    private static ScramSha256Client Rfc7677() => new("user", "pencil", "rOprNGfwEbeRWgbNEkqO");

    [Fact]
    public void Exchange_matches_the_test_vector_of_RFC_7677()
    {
        var scram = Rfc7677();

        Assert.Equal("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", scram.ClientFirstMessage);
        Assert.Equal("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
            scram.ClientFinalMessage(ServerFirst));
        scram.VerifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    }

    [Fact]
    public void Server_signature_made_without_the_password_is_refused()
    {
        var scram = Rfc7677();
        scram.ClientFinalMessage(ServerFirst);

        Assert.Throws<ScramException>(() => scram.VerifyServerFinal("v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
        Assert.Throws<ScramException>(() => scram.VerifyServerFinal("e=invalid-proof"));
        Assert.Throws<ScramException>(() => scram.VerifyServerFinal(""));
    }

    [Theory]
    [InlineData("r=someoneelse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOabc,s=not base64!,i=4096")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOabc,i=4096")]
    public void Server_first_message_that_is_malformed_or_does_not_extend_the_nonce_is_refused(string serverFirst) =>
        Assert.Throws<ScramException>(() => Rfc7677().ClientFinalMessage(serverFirst));

    [Fact]
    public void PostgreSQL_gets_an_empty_name_and_a_fresh_nonce()
    {
        var one = new ScramSha256Client("", "pw", ScramSha256Client.NewNonce());
        var two = new ScramSha256Client("", "pw", ScramSha256Client.NewNonce());

        Assert.StartsWith("n,,n=,r=", one.ClientFirstMessage, StringComparison.Ordinal);
        Assert.NotEqual(one.ClientFirstMessage, two.ClientFirstMessage);
    }
}
