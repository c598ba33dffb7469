using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

// Serves one fhir-examples scenario's prefetch as an EHR FHIR server would, at http://127.0.0.1:<port>/fhir/r4,
// so the CDS service can be load-tested with the prefetch removed. Usage: EhrLoad <scenario folder> <port>
var request = JsonNode.Parse(File.ReadAllText(Path.Combine(args[0], "request.json")))!.AsObject();
var port = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
var patientId = request["context"]!["patientId"]!.GetValue<string>();
var queries = new Dictionary<string, string>
{
    ["patient"] = $"Patient/{patientId}",
    ["conditions"] = "Condition",
    ["medicationRequests"] = "MedicationRequest",
    ["medicationStatements"] = "MedicationStatement",
    ["medicationAdministrations"] = "MedicationAdministration",
    ["observations"] = "Observation",
    ["procedures"] = "Procedure",
    ["questionnaireResponses"] = "QuestionnaireResponse",
    ["coverage"] = "Coverage",
};

using var server = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{port}"] });
foreach (var (key, value) in request["prefetch"]?.AsObject() ?? [])
{
    if (!queries.TryGetValue(key, out var path))
    {
        continue;
    }

    var matcher = Request.Create().WithPath($"/fhir/r4/{path}").UsingGet();
    if (!path.Contains('/', StringComparison.Ordinal))
    {
        matcher.WithParam("patient", patientId);
    }

    server.Given(matcher).RespondWith(value is null
        ? Response.Create().WithStatusCode(404)
        : Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/fhir+json").WithBody(value.ToJsonString()));
}

Console.WriteLine($"EHR stand-in at {server.Url}/fhir/r4");
await Task.Delay(Timeout.Infinite);
