using CdsService.Hosting;
using Microsoft.AspNetCore.Builder;

namespace CdsService.Tests.Hosting;

public sealed class ConfigurationFilesTests
{
    // What the change risks is reload itself: the host's watch is off, and the polled sources must bring it back.
    [Fact]
    public async Task Settings_still_reload_on_change_once_the_host_watch_is_off()
    {
        var root = Directory.CreateTempSubdirectory("cds-settings-");
        try
        {
            var settings = Path.Combine(root.FullName, "appsettings.json");
            await File.WriteAllTextAsync(settings, """{ "Probe": "before" }""");
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions
            {
                Args = ConfigurationFiles.WithoutContentRootWatch([]),
                ContentRootPath = root.FullName,
            });
            builder.PollSettingsFiles();
            Assert.Equal("before", builder.Configuration["Probe"]);

            // The polling watcher compares modification times; make the change unmistakable.
            await File.WriteAllTextAsync(settings, """{ "Probe": "after" }""");
            File.SetLastWriteTimeUtc(settings, DateTime.UtcNow.AddSeconds(5));
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (builder.Configuration["Probe"] != "after" && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }

            Assert.Equal("after", builder.Configuration["Probe"]);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
