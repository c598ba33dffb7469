namespace CdsService.Security;

/// <summary>Where spent <c>jti</c>s are kept: an atomic add-if-absent, so two copies of a token can never both get through.</summary>
internal interface IReplayStore
{
    /// <summary>Adds <paramref name="key"/> for <paramref name="retention"/>; false when it is already there (or cannot be checked).</summary>
    Task<bool> TryAddAsync(string key, TimeSpan retention, CancellationToken cancellationToken);
}
