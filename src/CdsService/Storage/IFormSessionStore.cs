namespace CdsService.Storage;

/// <summary>
/// Short-lived state behind an attestation-form link: what the hook call showed, so that the link itself carries no
/// PHI. A session is read any number of times until it expires, and taken (read and deleted atomically) once on submit.
/// </summary>
internal interface IFormSessionStore
{
    Task SaveAsync(string id, ReadOnlyMemory<byte> payload, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>The payload, or null when there is none or it has expired.</summary>
    Task<byte[]?> GetAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The payload, deleted in the same step so a second take gets null; null when absent or expired.</summary>
    Task<byte[]?> TakeAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);
}
