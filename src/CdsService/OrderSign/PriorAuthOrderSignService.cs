using CdsService.Attestation;
using CdsService.Cards;
using CdsService.CdsHooks;
using CdsService.CdsHooks.Wire;
using CdsService.PatientRecords;
using CdsService.Policies;
using Hl7.Fhir.Model;

namespace CdsService.OrderSign;

/// <summary>
/// An order-sign service for one drug policy: picks the draft orders the policy covers, loads the patient
/// record, evaluates each order and renders the decisions. Orders for other drugs get no guidance.
/// </summary>
internal sealed class PriorAuthOrderSignService(
    IDrugPolicy policy,
    PatientRecordLoader records,
    CardRenderer renderer,
    FormLinks forms,
    TimeProvider clock) : ICdsService
{
    public HookDefinition Hook => HookDefinition.OrderSign;

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
        // A draft order may name its drug by a Medication in draftOrders, in any prefetched Bundle, or only on the
        // FHIR server; in the last case the record (which reads it) is loaded before the order can be recognised.
        var drafts = request.Context.DraftOrders?.Entry.Select(e => e.Resource).OfType<Resource>().ToList() ?? [];
        var seen = MedicationIndex.From([.. drafts, .. request.Prefetch.Values.OfType<PrefetchValue.Data>().Select(d => d.Resource)]);
        if (!drafts.Any(d => policy.Covers(d, seen) || (policy.NeedsMedication(d, seen) && request.FhirServer is not null)))
        {
            return CdsResponse.Empty;
        }

        var record = await records.LoadAsync(request, policy.Sections, cancellationToken);
        var orders = drafts.Where(d => policy.Covers(d, record.MedicationIndex)).ToList();
        if (orders.Count == 0)
        {
            return CdsResponse.Empty;
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var decisions = orders.Select(order => policy.Evaluate(order, record, today)).ToList();

        // An order that still needs documentation or attestation gets a form link (its state stored, not in the link).
        var links = new Dictionary<PolicyDecision, Uri>(ReferenceEqualityComparer.Instance);
        foreach (var decision in decisions.Where(NeedsForm))
        {
            links[decision] = await forms.CreateAsync(decision, request, call, OrderName.Of(decision), cancellationToken);
        }

        return renderer.Render(decisions, request, call, d => links.GetValueOrDefault(d));
    }

    private static bool NeedsForm(PolicyDecision decision) =>
        decision.Determination is null
        && decision.Coverage.Status != CoverageStatus.NotCovered
        && decision.Criteria.Any(c => c.Status == CriterionStatus.Unknown);
}
