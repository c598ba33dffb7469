using System.Net;
using System.Text.Json;
using CdsService.IntegrationTests.Fixtures;
using CdsService.IntegrationTests.Scenarios;

namespace CdsService.IntegrationTests.Protocol;

public sealed class ValueSetEndpointTests(CdsAppFixture fixture) : IClassFixture<CdsAppFixture>
{
    [Fact]
    public async Task A_policy_value_set_is_served_as_FHIR_R4_with_its_cited_sources()
    {
        using var response = await fixture.App.CreateClient().GetAsync(new Uri("/fhir/ValueSet/besponsa-tki", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ValueSet", body.RootElement.GetProperty("resourceType").GetString());
        Assert.Equal("besponsa-tki", body.RootElement.GetProperty("id").GetString());
        foreach (var include in body.RootElement.GetProperty("compose").GetProperty("include").EnumerateArray())
        {
            Assert.Contains(include.GetProperty("extension").EnumerateArray(), e =>
                e.GetProperty("url").GetString() == "http://payer.example.org/fhir/StructureDefinition/code-source");
        }
    }

    [Fact]
    public async Task An_unknown_value_set_is_a_404_problem()
    {
        using var response = await fixture.App.CreateClient().GetAsync(new Uri("/fhir/ValueSet/no-such-set", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
