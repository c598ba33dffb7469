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
        var directory = Path.GetDirectoryName(path)!;
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
        Assert.False(Directory.Exists(directory));
        Assert.Null(rehearsals.Enter());
        Assert.DoesNotContain(OpenFiles(), file => file.StartsWith(directory, StringComparison.Ordinal));
    }

    [Fact]
    public async Task It_opens_once_and_every_end_is_the_same_end()
    {
        var rehearsals = new RehearsalStore(NullLogger<RehearsalStore>.Instance);

        Assert.True(await rehearsals.BeginAsync(CancellationToken.None));
        Assert.False(await rehearsals.BeginAsync(CancellationToken.None));
        string directory;
        using (var lease = rehearsals.Enter()!)
        {
            directory = Path.GetDirectoryName(((SqliteStateStore)lease.Store).Path)!;
        }

        var first = rehearsals.EndAsync();
        var second = rehearsals.EndAsync();
        await rehearsals.DisposeAsync();

        Assert.Same(first, second);
        Assert.True(first.IsCompletedSuccessfully);
        Assert.False(Directory.Exists(directory));
        Assert.False(await rehearsals.BeginAsync(CancellationToken.None));
        Assert.Null(rehearsals.Enter());
    }

    [Fact]
    public async Task A_closed_store_refuses_writes_and_never_recreates_its_file()
    {
        var directory = Directory.CreateTempSubdirectory("rehearsal-test-").FullName;
        var path = Path.Combine(directory, "state.db");
        var store = new SqliteStateStore(path, commandTimeoutSeconds: 5);
        await store.MigrateAsync(CancellationToken.None);

        await store.CloseAsync();
        Directory.Delete(directory, recursive: true);
        var refused = await Record.ExceptionAsync(() => store.SaveFeedbackAsync([], CancellationToken.None));
        var refusedAgain = await Record.ExceptionAsync(() => store.MigrateAsync(CancellationToken.None));

        Assert.IsType<StoreUnavailableException>(refused);
        Assert.IsType<StoreUnavailableException>(refusedAgain);
        Assert.False(Directory.Exists(directory));
        Assert.DoesNotContain(OpenFiles(), file => file.StartsWith(directory, StringComparison.Ordinal));
    }

    /// <summary>What this process holds open (Linux): a deleted file still open would keep its disk space and a descriptor.</summary>
    private static List<string> OpenFiles() =>
        Directory.Exists("/proc/self/fd")
            ? [.. Directory.EnumerateFiles("/proc/self/fd").Select(fd => new FileInfo(fd).LinkTarget).OfType<string>()]
            : [];
}
