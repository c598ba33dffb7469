using Serilog;
using Serilog.Events;

namespace CdsService.Hosting;

internal static class LoggingSetup
{
    /// <summary>
    /// Serilog from configuration (section <c>Serilog</c>), structured, with request logging that records path,
    /// status and time but never headers or bodies: those carry JWTs, access tokens and patient data.
    /// </summary>
    public static WebApplicationBuilder AddStructuredLogging(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<EndpointLoggers>();
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()

            // Last of the enrichers: whatever the others added is escaped too (CWE-117, forged log lines).
            .Enrich.With<ControlCharacterEscaper>()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)

            // The health check service logs Degraded (warming up, at each probe) as a Warning; Unhealthy stays an Error.
            .MinimumLevel.Override("Microsoft.Extensions.Diagnostics.HealthChecks", LogEventLevel.Error)
            .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture),

            // Each host keeps its own logger instead of replacing the process-wide static one, so several hosts in one
            // process (the integration tests) never write into each other's sinks.
            preserveStaticLogger: true);
        return builder;
    }

    public static WebApplication UseRequestLogging(this WebApplication app)
    {
        app.UseSerilogRequestLogging(options =>
        {
            options.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            // A call the exception handler refuses ends its line with the problem's title (": Unknown CDS service")
            // instead of writing a line of its own; a refused token or a rate limit still logs its own reason.
            options.MessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms{Problem:l}";

            // The start-up warm-up's hundreds of calls to itself are summarised in one line (WarmUp), not one each.
            // Resolved at the first request, not while the pipeline is built: start-up validation reports bad settings first.
            var warmUp = new Lazy<Security.WarmUpClient>(app.Services.GetRequiredService<Security.WarmUpClient>);
            // A probe's 503 is its designed answer while warming up; a real fault is the health check's own Error line.
            options.GetLevel = (http, _, exception) =>
                exception is not null ? LogEventLevel.Error
                : Health.IsProbe(http) ? LogEventLevel.Debug
                : http.Response.StatusCode >= StatusCodes.Status500InternalServerError ? LogEventLevel.Error
                : warmUp.Value.IsCaller(http.User) ? LogEventLevel.Debug
                : LogEventLevel.Information;

            // An attestation link is a credential for its form: never written to the log. A refused call's problem
            // title is also a property of its own (ProblemTitle), for whoever queries the logs rather than reads them.
            options.GetMessageTemplateProperties = (http, path, elapsed, status) =>
            {
                var title = http.Items[ProblemDetailsExceptionHandler.ProblemTitleKey] as string;
                LogEventProperty[] properties =
                [
                    new LogEventProperty("RequestMethod", new ScalarValue(http.Request.Method)),
                    new LogEventProperty("RequestPath", new ScalarValue(Attestation.FormLinks.Redact(path))),
                    new LogEventProperty("StatusCode", new ScalarValue(status)),
                    new LogEventProperty("Elapsed", new ScalarValue(elapsed)),
                    new LogEventProperty("Problem", new ScalarValue(title is null ? "" : ": " + title)),
                ];
                return title is null ? properties : [.. properties, new LogEventProperty("ProblemTitle", new ScalarValue(title))];
            };
        });

        // ASP.NET Core's request scope gives every event logged during the request a RequestPath property, link and
        // all; an inner scope with the redacted path takes its place.
        app.Use(async (http, next) =>
        {
            var path = http.Request.Path.Value ?? "";
            var redacted = Attestation.FormLinks.Redact(path);
            if (ReferenceEquals(redacted, path))
            {
                await next(http);
                return;
            }

            var logger = http.RequestServices.GetRequiredService<EndpointLoggers>().For(typeof(LoggingSetup));
            using (logger.BeginScope(new Dictionary<string, object> { ["RequestPath"] = redacted }))
            {
                await next(http);
            }
        });
        return app;
    }
}
