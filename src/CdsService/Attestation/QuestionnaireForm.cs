using System.Text;
using CdsService.Pages;
using Hl7.Fhir.Model;
using static CdsService.Pages.HtmlPage;

namespace CdsService.Attestation;

/// <summary>An answer the chart already gives, and where it came from (shown next to the question).</summary>
internal sealed record PrefilledAnswer(bool Value, string Origin);

/// <summary>
/// A Questionnaire as an accessible HTML form: each group a fieldset with a legend, each boolean item a fieldset of
/// Yes/No radio buttons (native, so keyboard and screen readers work without script), required items marked in words
/// and with <c>required</c>, pre-filled answers checked with their origin beside them, and items that apply only under
/// an <c>enableWhen</c> saying so. Without an action it is a read-only preview.
/// </summary>
internal static class QuestionnaireForm
{
    public static string Render(
        Questionnaire questionnaire,
        IReadOnlyDictionary<string, PrefilledAnswer> prefilled,
        IReadOnlySet<string> required,
        FormAction? action)
    {
        var html = new StringBuilder();
        if (action is not null)
        {
            html.Append("<form method=\"post\" action=\"").Append(Encode(action.Url)).Append("\" novalidate>\n")
                .Append("<input type=\"hidden\" name=\"").Append(FormAction.NonceField).Append("\" value=\"").Append(Encode(action.Nonce)).Append("\">\n");
            if (required.Count > 0)
            {
                html.Append("<p>Items marked <span class=\"required\">(required)</span> are needed for this order's prior authorization.</p>\n");
            }
        }

        foreach (var item in questionnaire.Item)
        {
            Item(html, item, questionnaire, prefilled, required, action is null);
        }

        if (action is not null)
        {
            html.Append("<button type=\"submit\">").Append(Encode(action.SubmitLabel)).Append("</button>\n</form>\n");
        }

        return html.ToString();
    }

    /// <summary>The Questionnaire for a browser that opened its FHIR URL: a preview, since answers need a patient.</summary>
    public static HtmlPage Preview(Questionnaire questionnaire)
    {
        var main = new StringBuilder("<h1>").Append(Encode(questionnaire.Title)).Append("</h1>\n")
            .Append("<p class=\"lede\">").Append(Encode(questionnaire.Description)).Append("</p>\n")
            .Append("<p class=\"notice\">This is a preview. To answer for a patient, open the form from the prior-authorization card in the EHR: ")
            .Append("it is pre-filled with what the chart shows and saves the answers for that order.</p>\n")
            .Append(Render(questionnaire, new Dictionary<string, PrefilledAnswer>(), new HashSet<string>(), null));
        return new HtmlPage(questionnaire.Title ?? "Questionnaire", main.ToString());
    }

    private static void Item(
        StringBuilder html,
        Questionnaire.ItemComponent item,
        Questionnaire questionnaire,
        IReadOnlyDictionary<string, PrefilledAnswer> prefilled,
        IReadOnlySet<string> required,
        bool preview)
    {
        if (item.Type == Questionnaire.QuestionnaireItemType.Group)
        {
            html.Append("<fieldset>\n<legend>").Append(Encode(item.Text)).Append("</legend>\n");
            foreach (var child in item.Item)
            {
                Item(html, child, questionnaire, prefilled, required, preview);
            }

            html.Append("</fieldset>\n");
            return;
        }

        if (item.Type != Questionnaire.QuestionnaireItemType.Boolean)
        {
            return;
        }

        var id = Encode(item.LinkId);
        var isRequired = item.LinkId is not null && required.Contains(item.LinkId);
        var answer = item.LinkId is null ? null : prefilled.GetValueOrDefault(item.LinkId);
        var described = new List<string>();
        html.Append("<fieldset class=\"question\"");
        if (answer is not null)
        {
            described.Add($"origin-{id}");
        }

        var condition = Condition(item, questionnaire);
        if (condition is not null)
        {
            described.Add($"when-{id}");
        }

        if (described.Count > 0)
        {
            html.Append(" aria-describedby=\"").Append(string.Join(' ', described)).Append('"');
        }

        html.Append(">\n<legend>").Append(Encode(item.Text));
        if (isRequired && !preview)
        {
            html.Append(" <span class=\"required\">(required)</span>");
        }

        html.Append("</legend>\n<div class=\"choices\">\n");
        Choice(html, id, "true", "Yes", answer?.Value == true, isRequired, preview);
        Choice(html, id, "false", "No", answer?.Value == false, isRequired, preview);
        html.Append("</div>\n");
        if (answer is not null)
        {
            html.Append("<p class=\"origin\" id=\"origin-").Append(id).Append("\">Pre-filled from the chart: ")
                .Append(Encode(answer.Origin)).Append("</p>\n");
        }

        if (condition is not null)
        {
            html.Append("<p class=\"origin\" id=\"when-").Append(id).Append("\">").Append(Encode(condition)).Append("</p>\n");
        }

        html.Append("</fieldset>\n");
    }

    private static void Choice(StringBuilder html, string name, string value, string label, bool isChecked, bool isRequired, bool preview)
    {
        html.Append("<label><input type=\"radio\" name=\"").Append(name).Append("\" value=\"").Append(value).Append('"');
        if (isChecked)
        {
            html.Append(" checked");
        }

        if (isRequired)
        {
            html.Append(" required");
        }

        if (preview)
        {
            html.Append(" disabled");
        }

        html.Append("> ").Append(label).Append("</label>\n");
    }

    private static string? Condition(Questionnaire.ItemComponent item, Questionnaire questionnaire)
    {
        var when = item.EnableWhen.FirstOrDefault();
        if (when?.Answer is not FhirBoolean { Value: { } expected })
        {
            return null;
        }

        var question = (when.Question is null ? null : Find(questionnaire.Item, when.Question)?.Text) ?? when.Question;
        return $"Answer only if the answer to \u201c{question}\u201d is {(expected ? "Yes" : "No")}.";
    }

    public static Questionnaire.ItemComponent? Find(IEnumerable<Questionnaire.ItemComponent> items, string linkId)
    {
        foreach (var item in items)
        {
            if (item.LinkId == linkId)
            {
                return item;
            }

            if (Find(item.Item, linkId) is { } nested)
            {
                return nested;
            }
        }

        return null;
    }
}

/// <summary>Where the form posts, its one-time token, and what the button says.</summary>
internal sealed record FormAction(string Url, string Nonce, string SubmitLabel)
{
    public const string NonceField = "__form";
}
