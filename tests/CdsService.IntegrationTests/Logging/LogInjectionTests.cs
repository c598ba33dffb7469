using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CdsService.IntegrationTests.Fixtures;
using CdsService.IntegrationTests.Security;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;

namespace CdsService.IntegrationTests.Logging;

/// <summary>Logs cannot be forged (CWE-117) or flooded by what a caller sends.</summary>
public sealed class LogInjectionTests : IDisposable
{
    private readonly LogCapture _logs = new();
    private readonly CdsApp _app;

    public LogInjectionTests()
    {
        _app = new CdsApp()
            .With("Fhir:AllowedServers:0", "http://127.0.0.1:1")
            .WithServices(services => services.AddSingleton<ILogEventSink>(_logs));
    }

    [Fact]
    public async Task A_path_with_CR_LF_writes_one_escaped_line_and_no_forged_one()
    {
        using var response = await _app.CreateClient().PostAsync(
            new Uri("/cds-services/x%0D%0A%5B02:00:00%20INF%5D%20FORGED", UriKind.Relative),
            new StringContent("{}", Encoding.UTF8, "application/json"));

        var lines = _logs.Events.Select(AsConsoleShowsIt).ToList();
        var mentioning = Assert.Single(lines, l => l.Contains("FORGED", StringComparison.Ordinal));
        var requestLine = Assert.Single(_logs.Events, e => e.Properties.ContainsKey("ProblemTitle"));
        Assert.Equal("Unknown CDS service", ((ScalarValue)requestLine.Properties["ProblemTitle"]).Value);
        Assert.DoesNotContain('\r', mentioning);
        Assert.DoesNotContain('\n', mentioning);

        // Request logging writes the decoded path: escaped, it stays on its line, which also says why it was refused.
        Assert.Equal(
            "HTTP POST /cds-services/x\\r\\n[02:00:00 INF] FORGED responded 404 in <ms> ms: Unknown CDS service",
            System.Text.RegularExpressions.Regex.Replace(mentioning, @"in [0-9.]+ ms", "in <ms> ms"));
        Assert.All(_logs.Events.SelectMany(e => e.Properties.Values), value => Assert.DoesNotMatch("[\r\n]", value.ToString()));
    }

    [Fact]
    public async Task A_hookInstance_with_a_line_break_is_escaped_in_the_scope_too()
    {
        var request = JsonNode.Parse(Examples.Read("scenarios/05-ph-negative-adult-all-met/request.json"))!;
        request["hookInstance"] = "abc\r\n[02:00:00 INF] FORGED";

        using var response = await _app.PostJsonAsync(CdsApp.BesponsaService, request.ToJsonString());

        Assert.Contains(_logs.Events, e => e.Properties.TryGetValue("HookInstance", out var v) && v.ToString().Contains("\\r\\n", StringComparison.Ordinal));
        Assert.All(_logs.Events.SelectMany(e => e.Properties.Values), value => Assert.DoesNotMatch("[\r\n]", value.ToString()));
    }

    [Fact]
    public async Task A_hundred_thousand_tolerated_problems_are_one_warning_with_the_count()
    {
        var request = JsonNode.Parse(Examples.Read("scenarios/05-ph-negative-adult-all-met/request.json"))!;
        var bundle = request["prefetch"]!["conditions"]!.AsObject();
        var entries = bundle["entry"]!.AsArray();
        for (var i = 0; i < 4_000; i++)
        {
            // An empty string inside a repeating element the policy reads (an unread one, such as identifier or
            // category, never reaches the parser): each is a tolerated repair.
            entries.Add(new JsonObject
            {
                ["resource"] = new JsonObject
                {
                    ["resourceType"] = "Condition",
                    ["id"] = $"c{i}",
                    ["subject"] = new JsonObject { ["reference"] = "Patient/pat-05" },
                    ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["display"] = "" }) },
                },
            });
        }

        var text = request.ToJsonString();
        var nulls = string.Join(',', Enumerable.Repeat("null", 100_000));
        text = text.Replace("\"prefetch\":{", "\"prefetch\":{\"flood\":{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"link\":[" + nulls + "]},", StringComparison.Ordinal);

        using var response = await _app.PostJsonAsync(CdsApp.BesponsaService, text);

        Assert.True((int)response.StatusCode < 500, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
        var warnings = _logs.Events.Where(e => e.MessageTemplate.Text.StartsWith("Tolerated", StringComparison.Ordinal)).ToList();
        var warning = Assert.Single(warnings);
        var count = (int)((ScalarValue)warning.Properties["FhirIssueCount"]).Value!;
        Assert.True(count >= 4_000, $"count {count}");
    }

    public void Dispose() => _app.Dispose();

    // The message as the console sink writes it (strings unquoted), which is what a forged line would have to fool.
    private static string AsConsoleShowsIt(LogEvent e)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        new Serilog.Formatting.Display.MessageTemplateTextFormatter("{Message:lj}", CultureInfo.InvariantCulture).Format(e, text);
        return text.ToString();
    }
}
