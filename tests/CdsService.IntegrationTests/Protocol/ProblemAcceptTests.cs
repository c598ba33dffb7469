using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CdsService.IntegrationTests.Fixtures;
using CdsService.IntegrationTests.Scenarios;

namespace CdsService.IntegrationTests.Protocol;

/// <summary>
/// A refusal is the same problem whatever the client says it accepts: a browser (text/html) or an XML client asking for
/// something that does not exist once got a 500, because the problem writer declined and the framework turned the
/// bodiless 404 into an error.
/// </summary>
public sealed class ProblemAcceptTests(CdsAppFixture fixture) : IClassFixture<CdsAppFixture>
{
    public static TheoryData<string, string, string, HttpStatusCode> Refusals()
    {
        var data = new TheoryData<string, string, string, HttpStatusCode>();
        foreach (var accept in new[] { "text/html", "application/xml", "application/fhir+xml", "image/png;q=0.9" })
        {
            data.Add(accept, "GET", "/fhir/ValueSet/no-such-set", HttpStatusCode.NotFound);
            data.Add(accept, "POST", "/cds-services/no-such-service", HttpStatusCode.NotFound);
            data.Add(accept, "POST", CdsApp.BesponsaService, HttpStatusCode.BadRequest);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_refusal_is_a_problem_whatever_the_client_accepts(string accept, string method, string path, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
        if (method == "POST")
        {
            // Truncated JSON: the hook endpoint refuses it with a 400; the unknown service never reads it.
            request.Content = new StringContent("""{"hook": "order-sign", """, Encoding.UTF8, "application/json");
        }

        using var response = await fixture.App.CreateClient().SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((int)expected, problem.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("title").GetString()));
        Assert.True(problem.RootElement.TryGetProperty("traceId", out _));
    }
}
