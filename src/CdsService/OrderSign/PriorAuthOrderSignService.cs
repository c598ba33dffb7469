using System.Diagnostics;
using CdsService.Attestation;
using CdsService.Audit;
using CdsService.Cards;
using CdsService.CdsHooks;
using CdsService.CdsHooks.Wire;
using CdsService.Determinations;
using CdsService.PatientRecords;
using CdsService.Policies;
using Hl7.Fhir.Model;

namespace CdsService.OrderSign;

/// <summary>
/// An order-sign service for one drug policy: picks the draft orders the policy covers, loads the patient
/// record, evaluates each order and renders the decisions. Orders for other drugs get no guidance.
/// </summary>
internal sealed partial class PriorAuthOrderSignService(
    IDrugPolicy policy,
    PatientRecordLoader records,
    CardRenderer renderer,
    PreemptiveDeterminations determinations,
    HookCallAudit audit,
    FormLinks forms,
    Storage.RehearsalStore rehearsals,
    TimeProvider clock,
    IRecordInterest interest,
    Microsoft.Extensions.Options.IOptions<CdsOptions> options,
    ILogger<PriorAuthOrderSignService> logger) : ICdsService
{
    public HookDefinition Hook => HookDefinition.OrderSign;

    /// <summary>
    /// Prefetch entries of other patients, and resources the policy never reads, are skipped unparsed; of the rest,
    /// the elements no criterion reads (narrative, meta, performers, reference ranges…) never reach Firely.
    /// </summary>
    public Func<HookContext, Fhir.EntrySelection?>? PrefetchFilter =>
        Unread is { } unread
            ? context => context.PatientId is not { } patientId
                ? null
                : new Fhir.EntrySelection(RecordEntryFilter.For(patientId, interest, EarliestOrderDate(context)), unread)
            : null;

    /// <summary>
    /// The earliest day any draft order is evaluated at, as the policy dates an order (authoredOn's calendar day, else
    /// today): results the policy reads only within a window before the order can be skipped when older than this.
    /// </summary>
    private DateOnly EarliestOrderDate(HookContext context)
    {
        var earliest = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        foreach (var entry in context.DraftOrders?.Entry ?? [])
        {
            if (entry.Resource is { } order && OrderDates.Authored(order) is { } authored && authored < earliest)
            {
                earliest = authored;
            }
        }

        return earliest;
    }

    /// <summary>The elements left out of the record before parsing, prefetch and FHIR-server data alike; null: none.</summary>
    private Fhir.ElementNames? Unread => options.Value.FilterPrefetch ? interest.UnreadElements : null;

    public ServiceDescription Description { get; } = new(
        HookDefinition.OrderSign.Name,
        $"{policy.Info.Id}-prior-auth",
        policy.Info.Title,
        policy.Info.Description,
        policy.Sections.ToDictionary(s => s.Key, s => s.Template),
        Extension: new Dictionary<string, object>
        {
            ["davinci-crd.version"] = new[] { "2.2" },
            [CrdConfiguration.OptionsExtension] = CrdConfiguration.Options,
        });

    public async Task<CdsResponse> HandleAsync(HookRequest request, CdsCall call, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();

        // A draft order may name its drug by a Medication in draftOrders, in any prefetched Bundle, or only on the
        // FHIR server; in the last case the record (which reads it) is loaded before the order can be recognised.
        var drafts = request.Context.DraftOrders?.Entry.Select(e => e.Resource).OfType<Resource>().ToList() ?? [];
        var seen = MedicationIndex.From([.. drafts, .. request.Prefetch.Values.OfType<PrefetchValue.Data>().Select(d => d.Resource)]);
        if (!drafts.Any(d => policy.Covers(d, seen) || (policy.NeedsMedication(d, seen) && request.FhirServer is not null)))
        {
            Audit([], CdsResponse.Empty);
            return CdsResponse.Empty;
        }

        var record = await records.LoadAsync(request, policy.Sections, Unread, cancellationToken);
        var orders = drafts.Where(d => policy.Covers(d, record.MedicationIndex)).ToList();
        if (orders.Count == 0)
        {
            Audit([], CdsResponse.Empty);
            return CdsResponse.Empty;
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        IReadOnlyList<PolicyDecision> decisions = [.. orders.Select(order =>
        {
            // Each order is evaluated against the whole record: a client that hung up stops the work between orders.
            cancellationToken.ThrowIfCancellationRequested();
            return policy.Evaluate(order, record, today);
        })];

        // A warm-up rehearsal runs the whole path too, writes and all, into the warm-up's scratch store; with none open
        // it stops here, before anything would be written.
        using var scratch = call.Rehearsal ? rehearsals.Enter() : null;
        if (call.Rehearsal && scratch is null)
        {
            return renderer.Render(decisions, request, call, _ => null);
        }

        // An order that still needs documentation or attestation gets a form link (its state stored, not in the link).
        // Such an order is never granted on the spot, so the links hold whether or not a determination is stored.
        var links = new Dictionary<PolicyDecision, Uri>(ReferenceEqualityComparer.Instance);
        foreach (var decision in decisions.Where(NeedsForm))
        {
            try
            {
                links[decision] = await forms.CreateAsync(decision, request, call, OrderName.Of(decision), scratch?.Store, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The state store is down: the card goes out without the form link (it names the questionnaire
                // instead) rather than the whole hook call failing. A rehearsal's scratch store is not worth a line.
                if (scratch is null)
                {
                    FormLinkFailed(e.GetType().Name);
                }
            }
        }

        Uri? Link(PolicyDecision d) => links.GetValueOrDefault(d);

        // A determination is stored before the answer that reports it; if it cannot be, the order gets the ordinary answer.
        var granted = determinations.Grant(decisions, request);
        var response = renderer.Render(granted, request, call, Link);
        if (!ReferenceEquals(granted, decisions)
            && !await determinations.StoreAsync(granted, response, audit.PatientKey(request), scratch?.Store, cancellationToken))
        {
            granted = decisions;
            response = renderer.Render(decisions, request, call, Link);
        }

        if (scratch is not null)
        {
            try
            {
                await scratch.Store.SaveHookCallsAsync([audit.Build(Description.Id, request, granted, response, Stopwatch.GetElapsedTime(started))], cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Scratch data, written only to compile the writer's code: the rehearsal's answer stands without it.
            }

            return response;
        }

        Audit(granted, response);
        return response;

        void Audit(IReadOnlyList<PolicyDecision> told, CdsResponse answer)
        {
            if (!call.Rehearsal)
            {
                audit.Record(Description.Id, request, told, answer, Stopwatch.GetElapsedTime(started));
            }
        }
    }

    private void FormLinkFailed(string failure) => LogFormLinkFailed(logger, failure);

    [LoggerMessage(LogLevel.Warning, "Attestation form link not created (state store unavailable: {Failure}); the card names the questionnaire instead")]
    private static partial void LogFormLinkFailed(ILogger logger, string failure);

    private static bool NeedsForm(PolicyDecision decision) =>
        decision.Determination is null
        && decision.Coverage.Status != CoverageStatus.NotCovered
        && decision.Criteria.Any(c => c.Status == CriterionStatus.Unknown);
}
