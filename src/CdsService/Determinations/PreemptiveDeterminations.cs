using System.Security.Cryptography;
using CdsService.Audit;
using CdsService.Cards;
using CdsService.CdsHooks;
using CdsService.CdsHooks.Wire;
using CdsService.Policies;
using CdsService.Storage;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace CdsService.Determinations;

/// <summary>
/// Grants prior authorization on the spot for an order whose every criterion is met or not applicable, when the payer
/// allows it and the call does not opt out (<c>unsolicited-determ = false</c>, as what-if calls must send). A granted
/// number is stored before the answer goes out, so the payer can honour it at adjudication; if it cannot be stored,
/// the order gets the ordinary answer instead.
/// </summary>
internal sealed partial class PreemptiveDeterminations(
    IOptions<DeterminationOptions> options,
    IDeterminationStore store,
    TimeProvider clock,
    ILogger<PreemptiveDeterminations> logger)
{
    // Crockford's base32 without look-alikes: 20 characters carry 100 random bits, unguessable and easy to read out.
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const int NumberLength = 20;

    /// <summary>The decisions, each eligible one with a freshly minted <see cref="PolicyDecision.Determination"/>; the same list when none is.</summary>
    public IReadOnlyList<PolicyDecision> Grant(IReadOnlyList<PolicyDecision> decisions, HookRequest request)
    {
        var configuration = CrdConfiguration.From(request);
        if (!options.Value.Enabled
            || !configuration.Enabled(CrdConfiguration.UnsolicitedDeterminations)
            || !configuration.Enabled(CrdConfiguration.CoverageInfo)
            || !decisions.Any(Eligible))
        {
            return decisions;
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        return [.. decisions.Select(d => Eligible(d) ? d with { Determination = Mint(d, today) } : d)];
    }

    /// <summary>
    /// Stores every determination the response reports, with the coverage-assertion-id it was given under. False when
    /// the store could not take them in time: then nothing was granted.
    /// </summary>
    /// <param name="scratch">A warm-up rehearsal's scratch store, written instead of the real one and not logged; null for a client's call.</param>
    public async Task<bool> StoreAsync(
        IReadOnlyList<PolicyDecision> decisions,
        CdsResponse response,
        string? patientKey,
        IDeterminationStore? scratch,
        CancellationToken cancellationToken)
    {
        var assertions = (response.SystemActions ?? [])
            .Select(a => a.Resource).OfType<DomainResource>()
            .SelectMany(HookCallAudit.Assertions)
            .Where(a => a.SatisfiedPaId is not null)
            .ToDictionary(a => a.SatisfiedPaId!, a => a.Id, StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        var records = decisions
            .Where(d => d.Determination is not null && assertions.ContainsKey(d.Determination.AuthorizationNumber))
            .Select(d => new DeterminationRecord(
                d.Determination!.AuthorizationNumber,
                assertions[d.Determination.AuthorizationNumber],
                $"{d.Order.TypeName}/{d.Order.Id}",
                patientKey,
                d.Kind.Literal(),
                d.Determination.Start,
                d.Determination.Expiry,
                now))
            .ToList();
        if (records.Count == 0)
        {
            return false;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.StoreTimeout);
        try
        {
            await (scratch ?? store).SaveDeterminationsAsync(records, timeout.Token);
            if (scratch is null)
            {
                LogGranted(logger, records.Count);
            }

            return true;
        }
        catch (Exception e) when (e is StoreUnavailableException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            if (scratch is null)
            {
                LogNotStored(logger, records.Count, e.GetType().Name);
            }

            return false;
        }
        catch (Exception e) when (scratch is not null && e is not OperationCanceledException)
        {
            // A rehearsal's scratch store, whatever failed in it: the rehearsal is answered as if it were not granted.
            return false;
        }
    }

    private static bool Eligible(PolicyDecision decision) =>
        decision.CoverageReference is not null
        && decision.Coverage.Status == CoverageStatus.Covered
        && decision.Criteria.Count > 0
        && decision.Criteria.All(c => c.Status is CriterionStatus.Met or CriterionStatus.NotApplicable);

    private PreemptiveDetermination Mint(PolicyDecision decision, DateOnly today)
    {
        var start = OrderDate(decision.Order) ?? today;
        var number = $"{options.Value.NumberPrefix}-{RandomNumberGenerator.GetString(Alphabet, NumberLength)}";
        return new PreemptiveDetermination(number, start, start.AddMonths(decision.ApprovalMonths));
    }

    /// <summary>The day the order was written (MedicationRequest.authoredOn), when it says so.</summary>
    private static DateOnly? OrderDate(Resource order) =>
        order is MedicationRequest { AuthoredOnElement: { } authored } && authored.TryToDateTimeOffset(out var when)
            ? DateOnly.FromDateTime(when.DateTime)
            : null;

    [LoggerMessage(LogLevel.Information, "Granted {Count} prior authorizations on the spot")]
    private static partial void LogGranted(ILogger logger, int count);

    [LoggerMessage(LogLevel.Warning, "Could not store {Count} determinations ({Failure}): answered without them")]
    private static partial void LogNotStored(ILogger logger, int count, string failure);
}
