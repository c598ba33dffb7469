using CdsService.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace CdsService.Tests.Storage;

/// <summary>The warm-up's scratch store: open only between begin and end, and gone, files and all, once the last rehearsal using it is done.</summary>
public sealed class RehearsalStoreTests
{
    [Fact]
    public async Task Ending_waits_for_the_rehearsal_in_flight_then_deletes_the_files()
    {
        var rehearsals = new RehearsalStore(NullLogger<RehearsalStore>.Instance);
        Assert.Null(rehearsals.Enter());

        Assert.True(await rehearsals.BeginAsync(CancellationToken.None));
        var lease = rehearsals.Enter()!;
        var path = ((SqliteStateStore)lease.Store).Path;
        await lease.Store.SaveFeedbackAsync([], CancellationToken.None);
        var ending = rehearsals.EndAsync();
        await Task.Delay(200);
        var endedWhileInUse = ending.IsCompleted;
        var enteredWhileEnding = rehearsals.Enter();
        lease.Dispose();
        await ending;

        Assert.False(endedWhileInUse);
        Assert.Null(enteredWhileEnding);
        Assert.False(File.Exists(path));
        Assert.False(File.Exists(path + "-wal"));
        Assert.False(File.Exists(path + "-shm"));
        Assert.Null(rehearsals.Enter());
        Assert.DoesNotContain(OpenFiles(), file => file.StartsWith(path, StringComparison.Ordinal));
    }

    /// <summary>What this process holds open (Linux): a deleted file still open would keep its disk space and a descriptor.</summary>
    private static List<string> OpenFiles() =>
        Directory.Exists("/proc/self/fd")
            ? [.. Directory.EnumerateFiles("/proc/self/fd").Select(fd => new FileInfo(fd).LinkTarget).OfType<string>()]
            : [];
}
