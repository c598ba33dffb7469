using System.Text;
using CdsService.IntegrationTests.Fixtures;
using CsCheck;

namespace CdsService.IntegrationTests.Robustness;

/// <summary>
/// Property: whatever a client puts in <c>Accept</c> and <c>Content-Type</c>, and whichever endpoint and method it
/// calls with a valid, truncated or empty body, the answer is never a 5xx. The body fuzzers (<see cref="MutatedRequestTests"/>)
/// never vary headers, which is how a 404 or a 429 to a client accepting only HTML stayed a 500 until 2026-12-06.
/// </summary>
public sealed class HeaderVariationTests(MutatedRequestTests.NoEhrFixture fixture) : IClassFixture<MutatedRequestTests.NoEhrFixture>
{
    private static readonly string[] Accepts =
    [
        "", "*/*", "application/json", "application/problem+json", "application/fhir+json", "text/html", "application/xml",
        "application/fhir+xml", "text/plain;q=0.1", "image/png", "text/html, application/xhtml+xml;q=0.9", "*/*;q=0",
        "application/json;q=0", "not a media type", "application/json; charset=ebcdic", "text/*", ";;;", "a/b;q=2",
    ];

    private static readonly string[] ContentTypes =
    [
        "", "application/json", "application/json; charset=utf-8", "application/fhir+json", "text/plain", "application/xml",
        "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1",
        "application/problem+json", "garbage", "application/json;;",
    ];

    private static readonly (string Method, string Path)[] Endpoints =
    [
        ("POST", CdsApp.BesponsaService), ("POST", CdsApp.BesponsaService + "/feedback"), ("GET", "/cds-services"),
        ("POST", "/cds-services/no-such-service"), ("GET", "/fhir/ValueSet/besponsa-tki"), ("GET", "/fhir/ValueSet/no-such-set"),
        ("GET", "/fhir/Questionnaire/besponsa-prior-approval"), ("GET", "/policies/besponsa"), ("GET", "/attestation/not-a-link"),
        ("POST", "/attestation/not-a-link"), ("GET", "/operator/calls"), ("GET", "/health/ready"), ("DELETE", CdsApp.BesponsaService),
        ("PUT", "/cds-services"), ("GET", "/no-such-page"),
    ];

    private static readonly string ValidBody = Examples.Read("scenarios/05-ph-negative-adult-all-met/request.json");

    private static readonly string[] Bodies = [ValidBody, ValidBody[..(ValidBody.Length / 2)], "", "{}", "null", "card=1&outcome=x"];

    [Fact]
    public async Task No_header_endpoint_or_body_combination_is_answered_with_a_5xx()
    {
        var requests = Gen.Select(
            Gen.Int[0, Accepts.Length - 1],
            Gen.Int[0, ContentTypes.Length - 1],
            Gen.Int[0, Endpoints.Length - 1],
            Gen.Int[0, Bodies.Length - 1]);
        await requests.SampleAsync(
            async sample =>
            {
                var (accept, contentType, endpoint, body) = (Accepts[sample.Item1], ContentTypes[sample.Item2], Endpoints[sample.Item3], Bodies[sample.Item4]);
                using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), new Uri(endpoint.Path, UriKind.Relative));
                if (accept.Length > 0)
                {
                    request.Headers.TryAddWithoutValidation("Accept", accept);
                }

                if (endpoint.Method is not "GET")
                {
                    request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
                    if (contentType.Length > 0)
                    {
                        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
                    }
                }

                using var response = await fixture.App.CreateClient().SendAsync(request);

                Assert.True(
                    (int)response.StatusCode < 500 || (endpoint.Path == "/health/ready" && (int)response.StatusCode == 503),
                    $"{(int)response.StatusCode} for {endpoint.Method} {endpoint.Path}, Accept '{accept}', Content-Type '{contentType}', body #{sample.Item4}");
            },
            // The body fuzzer's knob (CDS_FUZZ_ITERATIONS, 1,000 by default); the space is about 19,000 combinations.
            iter: MutatedRequestTests.Iterations,
            threads: 1);
    }
}
