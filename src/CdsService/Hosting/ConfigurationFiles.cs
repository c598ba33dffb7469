using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace CdsService.Hosting;

/// <summary>
/// Settings files (appsettings*.json) reload on change, but are watched by polling those files, not by the default
/// inotify watch on the whole content root.
/// </summary>
/// <remarks>
/// The content root holds App_Data, where the embedded SQLite store commits on every hook call: each commit woke the
/// recursive watcher, which then stat'ed paths on its own thread (3.7 % of the service's CPU under load on the 14 KB
/// order-sign, perf, 2026-12-03). Polling two or three files every four seconds costs nothing measurable.
/// </remarks>
internal static class ConfigurationFiles
{
    /// <summary>The host's own reload (the recursive watch) is turned off; <see cref="PollSettingsFiles"/> brings reload back.</summary>
    public static string[] WithoutContentRootWatch(string[] args) => ["--hostBuilder:reloadConfigOnChange=false", .. args];

    public static void PollSettingsFiles(this WebApplicationBuilder builder)
    {
        var polling = new PhysicalFileProvider(builder.Environment.ContentRootPath)
        {
            UsePollingFileWatcher = true,

            // Active polling fires the change callbacks configuration reload registers; passive tokens would only be read.
            UseActivePolling = true,
        };

        var sources = ((IConfigurationBuilder)builder.Configuration).Sources;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource { Path: { } path } json && !Path.IsPathRooted(path))
            {
                sources[i] = new JsonConfigurationSource
                {
                    Path = path,
                    Optional = json.Optional,
                    ReloadOnChange = true,
                    ReloadDelay = json.ReloadDelay,
                    OnLoadException = json.OnLoadException,
                    FileProvider = polling,
                };
            }
        }
    }
}
