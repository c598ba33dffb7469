using System.Net;
using System.Text.Json.Nodes;
using CdsService.IntegrationTests.Fixtures;

namespace CdsService.IntegrationTests.Security;

/// <summary>
/// A full scenario through the Production pipeline, with every log event captured at Verbose: no JWT, no
/// fhirAuthorization access token, and none of the patient's name, birth date or identifier may reach the log.
/// </summary>
public sealed class LogRedactionTests
{
    private const string AccessToken = "fhir-access-token-7f3c9a1e-must-never-be-logged";

    [Fact]
    public async Task A_scenario_run_logs_no_token_and_no_patient_data()
    {
        using var service = new SecuredService(app => app.With("Serilog:MinimumLevel:Default", "Verbose"));
        var request = JsonNode.Parse(Examples.Read("scenarios/05-ph-negative-adult-all-met/request.json"))!;
        request["fhirAuthorization"] = new JsonObject
        {
            ["access_token"] = AccessToken,
            ["token_type"] = "Bearer",
            ["expires_in"] = 300,
            ["scope"] = "patient/Patient.read patient/Observation.read",
            ["subject"] = "cds-service",
        };
        var body = request.ToJsonString();
        var jwt = service.Token().SignWith(service.Es384);
        var wrongAudience = service.Token(path: "/cds-services/other").SignWith(service.Es384);

        using var answered = await service.CallWithTokenAsync(jwt, body: body);
        using var replayed = await service.CallWithTokenAsync(jwt, body: body);
        using var misdirected = await service.CallWithTokenAsync(wrongAudience, body: body);

        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, misdirected.StatusCode);

        var logged = service.Logs.AllText();
        Assert.Contains("Answered", logged, StringComparison.Ordinal);
        Assert.Contains("JtiReplayed", logged, StringComparison.Ordinal);
        Assert.Contains("AudMismatch", logged, StringComparison.Ordinal);
        string[] secrets = [jwt, .. jwt.Split('.'), wrongAudience.Split('.')[2], AccessToken, "Example", "Alex", "1980-05-14", "pat-05"];
        foreach (var secret in secrets)
        {
            Assert.False(logged.Contains(secret, StringComparison.Ordinal), $"the log holds '{secret}'");
        }
    }
}
