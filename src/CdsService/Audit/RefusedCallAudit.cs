using System.Diagnostics;

namespace CdsService.Audit;

/// <summary>
/// Records hook calls that were not answered with cards (400, 412, 413, 415, 5xx…), so the trail shows every call a
/// client made, not only the successful ones. Calls refused for want of a valid token (401) are not recorded: they
/// come from no trusted client, and anyone could fill the trail with them.
/// </summary>
internal static class RefusedCallAudit
{
    /// <summary>Set by <see cref="HookCallAudit.Record"/>, so an answered call is recorded once, with its content.</summary>
    public static readonly object RecordedKey = new();

    /// <summary>Outside the exception handler, so it sees the status the client really got.</summary>
    public static WebApplication UseRefusedCallAudit(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            if (!HttpMethods.IsPost(http.Request.Method) || !IsHookCall(http.Request.Path, out var serviceId))
            {
                await next(http);
                return;
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(http);
            }
            finally
            {
                var status = http.Response.StatusCode;
                // The service's own warm-up calls are rehearsals, never audited, however they end.
                if (!http.Items.ContainsKey(RecordedKey) && status is not (StatusCodes.Status401Unauthorized or StatusCodes.Status200OK)
                    && !http.RequestServices.GetRequiredService<Security.WarmUpClient>().IsCaller(http.User))
                {
                    http.RequestServices.GetRequiredService<HookCallAudit>().RecordRefused(serviceId, status, Stopwatch.GetElapsedTime(started));
                }
            }
        });
        return app;
    }

    private static bool IsHookCall(PathString path, out string serviceId)
    {
        serviceId = "";
        var segments = path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is not ["cds-services", var id])
        {
            return false;
        }

        serviceId = id;
        return true;
    }
}
