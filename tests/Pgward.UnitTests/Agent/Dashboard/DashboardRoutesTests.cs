using Microsoft.AspNetCore.Http;
using Pgward.Agent.Dashboard;
using Xunit;

namespace Pgward.UnitTests.Agent.Dashboard;

/// <summary><c>/</c> is Patroni's primary check and the dashboard's page: a browser asking for HTML gets the page,
/// HAProxy's <c>option httpchk</c> and every other health check client the check.</summary>
public sealed class DashboardRoutesTests
{
    private static HttpRequest Request(string method, string path, string? accept)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = method;
        http.Request.Path = path;
        if (accept is not null)
        {
            http.Request.Headers.Accept = accept;
        }
        return http.Request;
    }

    [Theory]
    [InlineData("GET", "/", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", true)]
    [InlineData("GET", "/", "TEXT/HTML", true)]
    [InlineData("GET", "/", null, false)]
    [InlineData("GET", "/", "*/*", false)]
    [InlineData("GET", "/", "application/json", false)]
    [InlineData("OPTIONS", "/", "text/html", false)]
    [InlineData("HEAD", "/", "text/html", false)]
    [InlineData("GET", "/primary", "text/html", false)]
    public void Only_a_browsers_get_of_the_root_is_the_page(string method, string path, string? accept, bool page) =>
        Assert.Equal(page, DashboardRoutes.IsPageRequest(Request(method, path, accept)));
}
