using Pgward.Agent.Dashboard;
using Pgward.Core.Config;
using Pgward.Http;
using Xunit;

namespace Pgward.UnitTests.Agent.Dashboard;

public sealed class DashboardAccessTests
{
    [Theory]
    [InlineData(TokenCheck.Missing)]
    [InlineData(TokenCheck.Wrong)]
    [InlineData(TokenCheck.Disabled)]
    public void Public_dashboard_shows_the_state_without_a_token(TokenCheck token) =>
        Assert.Null(DashboardAccess.Check(AgentDashboardMode.Public, action: false, token, verifiedClientCertificate: false));

    [Theory]
    [InlineData(AgentDashboardMode.Token, TokenCheck.Missing, 401, "needs the agent token")]
    [InlineData(AgentDashboardMode.Token, TokenCheck.Wrong, 401, "wrong token")]
    [InlineData(AgentDashboardMode.Token, TokenCheck.Disabled, 403, "none is set")]
    public void Token_dashboard_refuses_the_state_without_the_right_token(AgentDashboardMode mode, TokenCheck token, int status, string reason)
    {
        var refusal = DashboardAccess.Check(mode, action: false, token, verifiedClientCertificate: false);

        Assert.Equal(status, refusal?.Status);
        Assert.Contains(reason, refusal!.Error, StringComparison.Ordinal);
        Assert.Contains("agent_dashboard = public", refusal.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(AgentDashboardMode.Token)]
    [InlineData(AgentDashboardMode.Public)]
    public void Actions_need_the_token_even_on_a_public_dashboard(AgentDashboardMode mode)
    {
        Assert.Equal(401, DashboardAccess.Check(mode, action: true, TokenCheck.Missing, verifiedClientCertificate: false)?.Status);
        Assert.Equal(401, DashboardAccess.Check(mode, action: true, TokenCheck.Wrong, verifiedClientCertificate: false)?.Status);
        var disabled = DashboardAccess.Check(mode, action: true, TokenCheck.Disabled, verifiedClientCertificate: false);
        Assert.Equal(403, disabled?.Status);
        Assert.DoesNotContain("public", disabled!.Hint, StringComparison.Ordinal);
        Assert.Null(DashboardAccess.Check(mode, action: true, TokenCheck.Valid, verifiedClientCertificate: false));
    }

    [Theory]
    [InlineData(TokenCheck.Missing)]
    [InlineData(TokenCheck.Disabled)]
    public void A_verified_client_certificate_stands_for_the_token(TokenCheck token)
    {
        Assert.Null(DashboardAccess.Check(AgentDashboardMode.Token, action: false, token, verifiedClientCertificate: true));
        Assert.Null(DashboardAccess.Check(AgentDashboardMode.Token, action: true, token, verifiedClientCertificate: true));
    }
}
