using System.ComponentModel.DataAnnotations;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.AspNetCore.Mvc.ModelBinding.Binders;

namespace Recur.Web.Edge;

/// <summary>
/// Text fields take no control characters (NUL, escape, backspace…): no one types them, Stripe refuses them, and they
/// corrupt what is shown back. Tabs and line breaks are kept in multi-line fields only. Forms meet this rule through
/// <see cref="ControlCharacterBinderProvider"/> (a model error naming the field, so the page shows the form again
/// with the message); JSON APIs check their strings with <see cref="AreIn"/> and answer a validation problem.
/// </summary>
public static class ControlCharacters
{
    /// <summary>
    /// ASP.NET Core's form reader refuses a url-encoded form holding <c>%00</c> outright ("The form value contains
    /// invalid characters"), so the antiforgery check fails and the page answers a bare 400 before any field is
    /// looked at. Such a form is read here instead, NUL kept, so that binding names the field like any other control
    /// character. Other forms are left to the framework.
    /// </summary>
    public static async Task ReadFormsHoldingNulAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (HttpMethods.IsPost(request.Method) && request.ContentType is { } contentType
            && contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            request.EnableBuffering();
            string body;
            using (var reader = new StreamReader(request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true))
            {
                body = await reader.ReadToEndAsync(context.RequestAborted);
            }
            request.Body.Position = 0;
            if (body.Contains("%00", StringComparison.Ordinal))
            {
                context.Features.Set<IFormFeature>(new FormFeature(new FormCollection(QueryHelpers.ParseQuery(body))));
            }
        }
        await next(context);
    }

    public static bool AreIn(string? text, bool multiLine = false) =>
        text is not null && text.Any(c => char.IsControl(c) && !(multiLine && c is '\r' or '\n' or '\t'));

    public static string Message(string field) =>
        $"The field {field} contains a control character (such as NUL), which Recur does not accept. Remove it and try again.";

    /// <summary>The field as the form calls it: its <c>[Display]</c> name, or its property name in words
    /// (<c>BusinessName</c> → "Business name").</summary>
    public static string FieldName(ModelMetadata metadata)
    {
        if (metadata.DisplayName is { Length: > 0 } display)
        {
            return display;
        }
        var name = metadata.PropertyName ?? metadata.ParameterName ?? metadata.Name ?? "field";
        var words = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && words.Length > 0)
            {
                words.Append(' ').Append(char.ToLowerInvariant(c));
            }
            else
            {
                words.Append(words.Length == 0 ? char.ToUpperInvariant(c) : c);
            }
        }
        return words.ToString();
    }
}

/// <summary>Binds every string of a form or query as usual, then records a model error naming the field when it holds
/// a control character; <c>[DataType(DataType.MultilineText)]</c> fields may hold tabs and line breaks. Handlers
/// show the form again when the model state is invalid.</summary>
public sealed class ControlCharacterBinderProvider : IModelBinderProvider
{
    public IModelBinder? GetBinder(ModelBinderProviderContext context) =>
        context.Metadata.ModelType == typeof(string) && context.Metadata.IsBindingAllowed
            ? new ControlCharacterBinder(
                new SimpleTypeModelBinder(typeof(string), context.Services.GetRequiredService<ILoggerFactory>()),
                context.Metadata.DataTypeName == nameof(DataType.MultilineText))
            : null;

    private sealed class ControlCharacterBinder(IModelBinder inner, bool multiLine) : IModelBinder
    {
        public async Task BindModelAsync(ModelBindingContext bindingContext)
        {
            await inner.BindModelAsync(bindingContext);
            if (bindingContext.Result.IsModelSet && bindingContext.Result.Model is string text && ControlCharacters.AreIn(text, multiLine))
            {
                bindingContext.ModelState.TryAddModelError(bindingContext.ModelName, ControlCharacters.Message(ControlCharacters.FieldName(bindingContext.ModelMetadata)));
            }
        }
    }
}
