using System.Globalization;
using CdsService.Policies;

namespace CdsService.Cards;

/// <summary>
/// Where an order stands, counted once so that the summary, its checklist and the other cards say the same thing:
/// only criteria that apply are counted, a criterion without evidence "needs documentation" (attestations included),
/// and proposed orders (baseline tests) are outstanding too, so nothing says "submit" while any of it is open.
/// </summary>
internal sealed record PriorAuthStatus(int Applicable, int Met, int NotMet, int NeedsDocumentation, int OrdersToAdd, bool HardStop, bool PartlyRead)
{
    public bool ReadyToSubmit => !HardStop && !PartlyRead && NotMet == 0 && NeedsDocumentation == 0 && OrdersToAdd == 0;

    public static PriorAuthStatus Of(PolicyDecision decision)
    {
        var applicable = decision.Criteria.Where(c => c.Status != CriterionStatus.NotApplicable).ToList();
        return new PriorAuthStatus(
            applicable.Count,
            applicable.Count(c => c.Status == CriterionStatus.Met),
            applicable.Count(c => c.Status == CriterionStatus.NotMet),
            applicable.Count(c => c.Status == CriterionStatus.Unknown),
            decision.Findings.Sum(f => f.Orders.Count),
            decision.Coverage.Status == CoverageStatus.NotCovered,
            decision.Coverage.Status == CoverageStatus.Indeterminate);
    }

    /// <summary>The summary card's one sentence.</summary>
    public string Summary(PolicyDecision decision)
    {
        if (decision.Determination is { } approved)
        {
            // The baseline tests the prescriber agreed to obtain are still to be ordered; approval does not hide them.
            var orders = OrdersToAdd > 0 ? $"; {Count(OrdersToAdd, "test", "tests")} to order" : "";
            return $"Prior authorization approved: {approved.AuthorizationNumber}, valid through {Day(approved.Expiry)}{orders}";
        }

        if (HardStop)
        {
            return $"Prior authorization: outside the {decision.Policy.DrugName} policy ({NotMet} of {Applicable} criteria not met)";
        }

        if (ReadyToSubmit)
        {
            return $"Prior authorization: all {Applicable} applicable criteria met; ready to submit";
        }

        var parts = new List<string>();
        if (NotMet > 0)
        {
            parts.Add($"{Count(NotMet, "requirement", "requirements")} not met");
        }

        if (NeedsDocumentation > 0)
        {
            parts.Add($"{Count(NeedsDocumentation, "item needs", "items need")} documentation");
        }

        if (OrdersToAdd > 0)
        {
            parts.Add($"{Count(OrdersToAdd, "test", "tests")} to order");
        }

        var status = parts.Count > 0 ? string.Join(", ", parts) : $"{Met} of {Applicable} criteria met";
        return PartlyRead ? $"Prior authorization: {status} (record partly read)" : $"Prior authorization: {status}";
    }

    public static string Count(int n, string one, string many) => $"{n} {(n == 1 ? one : many)}";

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
