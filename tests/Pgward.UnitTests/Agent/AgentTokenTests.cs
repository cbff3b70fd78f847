using Pgward.Http;
using Xunit;

namespace Pgward.UnitTests.Agent;

public sealed class AgentTokenTests
{
    [Theory]
    [InlineData("Bearer s3cret")]
    [InlineData("bearer s3cret")]
    [InlineData("Bearer s3cret ")]
    public void Check_accepts_the_configured_token(string header) =>
        Assert.Equal(TokenCheck.Valid, AgentToken.Check("s3cret", header));

    [Theory]
    [InlineData("Bearer s3cre")]
    [InlineData("Bearer s3cret2")]
    [InlineData("Bearer S3CRET")]
    [InlineData("Bearer ")]
    public void Check_rejects_another_token(string header) =>
        Assert.Equal(TokenCheck.Wrong, AgentToken.Check("s3cret", header));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Basic czNjcmV0")]
    [InlineData("s3cret")]
    public void Check_without_a_bearer_token_is_missing(string? header) =>
        Assert.Equal(TokenCheck.Missing, AgentToken.Check("s3cret", header));

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer anything")]
    [InlineData("Bearer ")]
    public void Check_with_no_configured_token_disables_control(string? header) =>
        Assert.Equal(TokenCheck.Disabled, AgentToken.Check("", header));

    [Fact]
    public void Check_compares_non_ASCII_tokens_as_UTF8() =>
        Assert.Equal(TokenCheck.Valid, AgentToken.Check("clé-秘密", "Bearer clé-秘密"));
}
