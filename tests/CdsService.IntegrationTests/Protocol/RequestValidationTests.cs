using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CdsService.IntegrationTests.Fixtures;

namespace CdsService.IntegrationTests.Protocol;

/// <summary>Bad input gets a specific 4xx with ProblemDetails, never a 500 (CDS Hooks 2.0 §Request, §HTTP response).</summary>
public sealed class RequestValidationTests(Scenarios.CdsAppFixture fixture) : IClassFixture<Scenarios.CdsAppFixture>
{
    private const string BaseRequest = "scenarios/05-ph-negative-adult-all-met/request.json";

    [Theory]
    [InlineData("hook")]
    [InlineData("hookInstance")]
    [InlineData("context")]
    [InlineData("context.patientId")]
    [InlineData("context.userId")]
    [InlineData("context.draftOrders")]
    public async Task Missing_required_field_is_400_naming_it(string field)
    {
        var request = Variant(json => Remove(json, field));

        var problem = await PostExpectingProblemAsync(request, HttpStatusCode.BadRequest);

        Assert.Contains($"'{field}'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_json_is_400()
    {
        var problem = await PostExpectingProblemAsync(Examples.Read("tests/requests/truncated.json"), HttpStatusCode.BadRequest);

        Assert.Contains("not valid JSON", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DraftOrders_that_is_not_a_Bundle_is_400()
    {
        var request = Variant(json =>
        {
            var order = json["context"]!["draftOrders"]!["entry"]![0]!["resource"]!.DeepClone();
            json["context"]!["draftOrders"] = order;
        });

        var problem = await PostExpectingProblemAsync(request, HttpStatusCode.BadRequest);

        Assert.Contains("'context.draftOrders' must be a FHIR Bundle", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hook_the_service_does_not_serve_is_400()
    {
        var problem = await PostExpectingProblemAsync(Variant(json => json["hook"] = "patient-view"), HttpStatusCode.BadRequest);

        Assert.Contains("'order-sign' hook, not 'patient-view'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_service_is_404()
    {
        using var response = await fixture.App.PostJsonAsync("/cds-services/no-such-service", Examples.Read(BaseRequest));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    public async Task Non_json_content_type_is_415(string contentType)
    {
        using var response = await fixture.App.PostJsonAsync(CdsApp.BesponsaService, Examples.Read(BaseRequest), contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Fhir_json_content_type_is_accepted()
    {
        using var response = await fixture.App.PostJsonAsync(CdsApp.BesponsaService, Examples.Read(BaseRequest), "application/fhir+json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Body_over_the_configured_limit_is_413()
    {
        using var app = new CdsApp().With("Cds:MaxRequestBodyBytes", "4096");

        using var response = await app.PostJsonAsync(CdsApp.BesponsaService, Examples.Read(BaseRequest));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Non_R4_resource_is_400_that_says_so()
    {
        var request = Variant(json =>
            json["context"]!["draftOrders"]!["entry"]![0]!["resource"]!["resourceType"] = "MedicationOrder");

        var problem = await PostExpectingProblemAsync(request, HttpStatusCode.BadRequest);

        var detail = problem.GetProperty("detail").GetString();
        Assert.Contains("not FHIR R4", detail, StringComparison.Ordinal);
        Assert.Contains("MedicationOrder", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FhirAuthorization_without_fhirServer_is_400()
    {
        var request = Variant(json =>
        {
            json.Remove("fhirServer");
            json["fhirAuthorization"] = new JsonObject { ["access_token"] = "opaque", ["token_type"] = "Bearer" };
        });

        var problem = await PostExpectingProblemAsync(request, HttpStatusCode.BadRequest);

        Assert.Contains("cds-r-1", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://ehr.example.org/fhir")]
    [InlineData("/fhir")]
    [InlineData("not a url")]
    public async Task FhirServer_that_is_not_an_absolute_http_url_is_400(string fhirServer)
    {
        var problem = await PostExpectingProblemAsync(Variant(json => json["fhirServer"] = fhirServer), HttpStatusCode.BadRequest);

        Assert.Contains("'fhirServer'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_fields_and_extensions_are_ignored()
    {
        var request = Variant(json =>
        {
            json["extension"] = new JsonObject { ["com.example.timestamp"] = "2017-11-27T22:13:25Z", ["davinci-crd.configuration"] = new JsonObject { ["max-cards"] = 5 } };
            json["unexpected"] = new JsonArray(1, 2, 3);
            json["context"]!["somethingNew"] = new JsonObject { ["nested"] = true };
        });

        using var response = await fixture.App.PostJsonAsync(CdsApp.BesponsaService, request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Missing_patient_without_fhirServer_is_412_naming_the_keys()
    {
        var request = Variant(json =>
        {
            json.Remove("fhirServer");
            json["prefetch"]!.AsObject().Remove("patient");
            json["prefetch"]!["observations"] = JsonNode.Parse(Examples.Read("tests/fhir/operation-outcome.json"));
        });

        var problem = await PostExpectingProblemAsync(request, HttpStatusCode.PreconditionFailed);

        var detail = problem.GetProperty("detail").GetString();
        Assert.Contains("patient", detail, StringComparison.Ordinal);
        Assert.Contains("observations", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_optional_prefetch_without_fhirServer_is_evaluated_as_a_partial_record()
    {
        var request = Variant(json =>
        {
            json.Remove("fhirServer");
            json["prefetch"]!.AsObject().Remove("procedures");
        });

        using var response = await fixture.App.PostJsonAsync(CdsApp.BesponsaService, request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        CardAssertions.AssertConformant(body.RootElement, coverageKnown: true);
        Assert.Contains(body.RootElement.GetProperty("cards").EnumerateArray(), c => c.GetProperty("summary").GetString()!.Contains("could not be fully read", StringComparison.Ordinal));
        Assert.Contains("\"valueCode\":\"indeterminate\"", body.RootElement.GetProperty("systemActions").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_element_R4_does_not_define_on_the_order_is_dropped_and_the_echoed_order_carries_only_R4()
    {
        // The CRD Request Generator adds "_resolvedMedication" (a whole Medication) to every draft order.
        using var response = await fixture.App.PostJsonAsync(CdsApp.BesponsaService, Examples.Read("tests/requests/order-with-unknown-element.json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        CardAssertions.AssertConformant(body.RootElement, coverageKnown: true);
        var echoed = body.RootElement.GetProperty("systemActions")[0].GetProperty("resource");
        Assert.Equal("MedicationRequest", echoed.GetProperty("resourceType").GetString());
        Assert.False(echoed.TryGetProperty("_resolvedMedication", out _), "the echoed order carries an element R4 does not define");
        Assert.StartsWith("Prior authorization approved", body.RootElement.GetProperty("cards")[0].GetProperty("summary").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Null_prefetch_means_no_data_and_is_evaluated()
    {
        var request = Variant(json =>
        {
            foreach (var key in json["prefetch"]!.AsObject().Select(p => p.Key).ToList())
            {
                json["prefetch"]![key] = null;
            }
        });

        using var response = await fixture.App.PostJsonAsync(CdsApp.BesponsaService, request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        CardAssertions.AssertConformant(body.RootElement, coverageKnown: false);
        Assert.False(body.RootElement.TryGetProperty("systemActions", out _), "no Coverage is known, so no coverage information");
    }

    private async Task<JsonElement> PostExpectingProblemAsync(string request, HttpStatusCode expected)
    {
        using var response = await fixture.App.PostJsonAsync(CdsApp.BesponsaService, request);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((int)expected, body.RootElement.GetProperty("status").GetInt32());
        return body.RootElement.Clone();
    }

    private static string Variant(Action<JsonObject> change)
    {
        var json = JsonNode.Parse(Examples.Read(BaseRequest))!.AsObject();
        change(json);
        return json.ToJsonString();
    }

    private static void Remove(JsonObject json, string dottedPath)
    {
        var parts = dottedPath.Split('.');
        var parent = parts[..^1].Aggregate(json, (node, part) => node[part]!.AsObject());
        parent.Remove(parts[^1]);
    }
}
