using CdsService.CdsHooks;
using CdsService.Security;
using Microsoft.AspNetCore.Http;

namespace CdsService.Tests.Security;

/// <summary>The <c>aud</c> a call must carry: the public base URL (with any path prefix) followed by the request path.</summary>
public sealed class EndpointAudienceTests
{
    [Theory]
    [InlineData("https://cds.example.org", "/cds-services/besponsa-prior-auth", "https://cds.example.org/cds-services/besponsa-prior-auth")]
    [InlineData("https://cds.example.org/", "/cds-services/besponsa-prior-auth", "https://cds.example.org/cds-services/besponsa-prior-auth")]
    [InlineData("https://gw.example.org/payer-cds/", "/cds-services/besponsa-prior-auth/feedback", "https://gw.example.org/payer-cds/cds-services/besponsa-prior-auth/feedback")]
    [InlineData("https://cds.example.org:8443", "/cds-services", "https://cds.example.org:8443/cds-services")]
    public void The_configured_public_base_URL_wins_over_the_request_host(string publicBaseUrl, string path, string expected)
    {
        var request = new DefaultHttpContext().Request;
        request.Scheme = "http";
        request.Host = new HostString("10.0.0.7:8080");
        request.Path = path;

        Assert.Equal(expected, EndpointAudience.For(request, new CdsOptions { PublicBaseUrl = new Uri(publicBaseUrl) }));
    }

    [Fact]
    public void Without_a_public_base_URL_the_request_is_used()
    {
        var request = new DefaultHttpContext().Request;
        request.Scheme = "http";
        request.Host = new HostString("127.0.0.1:5080");
        request.Path = "/cds-services/besponsa-prior-auth";

        Assert.Equal("http://127.0.0.1:5080/cds-services/besponsa-prior-auth", EndpointAudience.For(request, new CdsOptions()));
    }

    [Fact]
    public void Matching_is_exact()
    {
        const string expected = "https://cds.example.org/cds-services/x";

        Assert.True(EndpointAudience.Matches(["https://other.example.org/", expected], expected));
        Assert.False(EndpointAudience.Matches([expected + "/"], expected));
        Assert.False(EndpointAudience.Matches(["https://CDS.example.org/cds-services/x"], expected));
        Assert.False(EndpointAudience.Matches([], expected));
    }
}
