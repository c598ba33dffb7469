using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using CdsService.IntegrationTests.Robustness;
using CsCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Fuzz;

internal static class FuzzProgram
{
    public static async Task Main(string[] args)
    {
        // Usage: dotnet run -c Release --project tools/fuzz -- [iterations=10000] [fhir-examples folder]
        // Posts structurally mutated fhir-examples scenario requests to the service in process (its whole HTTP pipeline, the
        // Development profile, no FHIR server reachable) and prints the count of each status and the slowest answers.
        var iterations = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10_000;
        var examples = args.Length > 1 ? args[1] : FindExamples();
        var scenarios = Directory.EnumerateDirectories(Path.Combine(examples, "scenarios")).Order()
            .Select(d => File.ReadAllText(Path.Combine(d, "request.json"))).ToArray();

        await using var app = new FuzzedApp(Path.Combine(examples, "..", "src", "CdsService"));
        using var client = app.CreateClient();
        var statuses = new SortedDictionary<int, int>();
        var slowest = new List<(double Ms, string Body)>();
        var failures = new List<string>();
        var started = Stopwatch.GetTimestamp();

        var requests = Gen.Select(Gen.Int[0, scenarios.Length - 1], Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, Mutation.Kinds - 1]).Array[1, 3]);
        await requests.SampleAsync(
            async sample =>
            {
                var request = JsonNode.Parse(scenarios[sample.Item1])!;
                foreach (var (node, kind) in sample.Item2)
                {
                    request = Mutation.Apply(request, node, kind);
                }

                var body = Mutation.ToBytes(request);
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                var sent = Stopwatch.GetTimestamp();
                using var response = await client.PostAsync(new Uri("/cds-services/besponsa-prior-auth", UriKind.Relative), content);
                await response.Content.ReadAsByteArrayAsync();
                var ms = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                lock (statuses)
                {
                    statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
                    slowest.Add((ms, System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(160, body.Length))));
                    slowest.Sort((a, b) => b.Ms.CompareTo(a.Ms));
                    if (slowest.Count > 3)
                    {
                        slowest.RemoveAt(3);
                    }
                }

                // Counted, not stopped at: the report is the point. The CI property test stops and shrinks instead.
        if ((int)response.StatusCode >= 500)
        {
            lock (statuses)
            {
                failures.Add(System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(400, body.Length)));
            }
        }

        return true;
            },
            iter: iterations,
            threads: 1);

        Console.WriteLine($"{iterations} requests in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
        foreach (var (status, count) in statuses)
        {
            Console.WriteLine($"  {status}: {count}");
        }

        Console.WriteLine($"5xx: {statuses.Where(s => s.Key >= 500).Sum(s => s.Value)}");
        foreach (var failure in failures.Take(5))
        {
            Console.WriteLine($"  5xx for: {failure}…");
        }
        foreach (var (ms, body) in slowest)
        {
            Console.WriteLine($"  slow: {ms:0.0} ms  {body}…");
        }
    }

    private static string FindExamples()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "fhir-examples", "scenarios")))
            {
                return Path.Combine(dir.FullName, "fhir-examples");
            }
        }

        throw new DirectoryNotFoundException("fhir-examples not found above the tool; pass its path as the second argument.");
    }
}

/// <summary>The service in process, Development profile, logging only warnings, no FHIR server it may call.</summary>
internal sealed class FuzzedApp(string contentRoot) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseContentRoot(Path.GetFullPath(contentRoot));
        builder.UseEnvironment("Development");
        builder.UseSetting("Fhir:AllowedServers:0", "http://127.0.0.1:1");
        builder.UseSetting("Serilog:MinimumLevel:Default", "Error");
        builder.UseSetting("Security:RateLimit:PermitLimit", "1000000");

        // TestServer leaves the remote address empty; the Development profile admits anonymous calls from loopback.
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new LoopbackCaller()));
    }

    private sealed class LoopbackCaller : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext http, RequestDelegate nextMiddleware) =>
            {
                http.Connection.RemoteIpAddress = System.Net.IPAddress.Loopback;
                return nextMiddleware(http);
            });
            next(app);
        };
    }
}
