using CdsService.Ehr;
using Microsoft.Extensions.Options;

namespace CdsService.Tests.Ehr;

/// <summary>
/// The allowlist compares parsed scheme, host, port and path segments, so the usual tricks for passing a
/// string-prefix check do not work.
/// </summary>
public sealed class FhirServerAllowlistTests
{
    private static readonly FhirServerAllowlist Development = Allowlist("http://127.0.0.1:*", "http://localhost:*");
    private static readonly FhirServerAllowlist Ehr = Allowlist("https://ehr.example.org/fhir/r4");

    [Theory]
    [InlineData("http://127.0.0.1:5826/fhir/r4")]
    [InlineData("http://127.0.0.1/fhir")]
    [InlineData("http://localhost:8080/fhir/")]
    [InlineData("http://LOCALHOST:8080/fhir")]
    [InlineData("http://127.0.0.1:8080/")]
    public void Development_allows_loopback_on_any_port(string server) =>
        Assert.True(Development.Allows(new Uri(server)));

    [Theory]
    [InlineData("http://127.0.0.1.evil.com/fhir")]
    [InlineData("http://127.0.0.1:80@evil.com/fhir")]
    [InlineData("http://127.0.0.1@evil.com/fhir")]
    [InlineData("http://localhost.evil.com:8080/fhir")]
    [InlineData("http://evil.com/127.0.0.1/fhir")]
    [InlineData("https://127.0.0.1:8443/fhir")]
    [InlineData("http://10.0.0.1:8080/fhir")]
    [InlineData("http://127.0.0.1:8080/fhir?x=1")]
    public void Development_refuses_lookalikes_and_other_hosts(string server) =>
        Assert.False(Development.Allows(new Uri(server)));

    [Theory]
    [InlineData("https://ehr.example.org/fhir/r4")]
    [InlineData("https://ehr.example.org/fhir/r4/")]
    [InlineData("https://EHR.example.org/fhir/r4/tenant-1")]
    [InlineData("https://ehr.example.org:443/fhir/r4")]
    public void A_configured_base_allows_itself_and_what_lies_below_it(string server) =>
        Assert.True(Ehr.Allows(new Uri(server)));

    [Theory]
    [InlineData("http://ehr.example.org/fhir/r4")]
    [InlineData("https://ehr.example.org:8443/fhir/r4")]
    [InlineData("https://ehr.example.org/fhir/r4evil")]
    [InlineData("https://ehr.example.org/fhir")]
    [InlineData("https://ehr.example.org/fhir/r4/../../admin")]
    [InlineData("https://ehr.example.org/fhir/r4/%2e%2e/%2e%2e/admin")]
    [InlineData("https://ehr.example.org/fhir/r4/..%2F..%2Fadmin")]
    [InlineData("https://ehr.example.org/FHIR/r4")]
    [InlineData("https://ehr.example.org.evil.com/fhir/r4")]
    [InlineData("https://user:pass@ehr.example.org/fhir/r4")]
    public void A_configured_base_refuses_other_schemes_ports_paths_and_tricks(string server) =>
        Assert.False(Ehr.Allows(new Uri(server)));

    [Fact]
    public void Nothing_is_allowed_until_configured() =>
        Assert.False(Allowlist().Allows(new Uri("http://127.0.0.1:8080/fhir")));

    [Theory]
    [InlineData("http://127.0.0.1:5826/fhir/r4", "http://127.0.0.1:5826/fhir/r4/Condition?patient=1&page=2", true)]
    [InlineData("http://localhost:8080/fhir", "http://localhost:8080/fhir?_getpages=abc&_getpagesoffset=20", true)]
    [InlineData("http://127.0.0.1:5826/fhir/r4", "http://127.0.0.1:5827/fhir/r4?page=2", false)]
    [InlineData("http://127.0.0.1:5826/fhir/r4", "http://127.0.0.1:5826/other?page=2", false)]
    [InlineData("http://127.0.0.1:5826/fhir/r4", "https://127.0.0.1:5826/fhir/r4?page=2", false)]
    [InlineData("http://127.0.0.1:5826/fhir/r4", "http://evil.com/fhir/r4?page=2", false)]
    [InlineData("http://127.0.0.1:5826/fhir/r4", "http://127.0.0.1:5826@evil.com/fhir/r4?page=2", false)]
    [InlineData("http://127.0.0.1:5826/fhir/r4", "http://127.0.0.1:5826/fhir/r4/%2e%2e/admin", false)]
    public void A_next_link_must_stay_under_the_server_it_came_from(string server, string link, bool within) =>
        Assert.Equal(within, FhirServerAllowlist.IsWithin(new Uri(server), new Uri(link)));

    [Theory]
    [InlineData("http://127.0.0.1:*", null, new string[0])]
    [InlineData("http://[::1]:*/fhir", null, new[] { "fhir" })]
    [InlineData("https://ehr.example.org/fhir/r4/", 443, new[] { "fhir", "r4" })]
    [InlineData("http://localhost:8080", 8080, new string[0])]
    public void Entries_parse_into_scheme_host_port_and_segments(string entry, int? port, string[] segments)
    {
        Assert.True(AllowedServer.TryParse(entry, out var server, out _));
        Assert.Equal(port, server.Port);
        Assert.Equal(segments, server.Segments);
    }

    [Theory]
    [InlineData("")]
    [InlineData("127.0.0.1:8080")]
    [InlineData("ftp://files.example.org")]
    [InlineData("http://user@ehr.example.org/fhir")]
    [InlineData("http://ehr.example.org/fhir?tenant=1")]
    [InlineData("http://ehr.example.org/fhir/%2e%2e")]
    [InlineData("http://ehr.example.org:*x/fhir")]
    public void Unusable_entries_are_rejected(string entry) =>
        Assert.False(AllowedServer.TryParse(entry, out _, out _));

    private static FhirServerAllowlist Allowlist(params string[] entries) =>
        new(Options.Create(new FhirOptions { AllowedServers = [.. entries] }));
}
