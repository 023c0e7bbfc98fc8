"""The self-contained HTML report (charts embedded as PNG data URIs)."""

from __future__ import annotations

from jinja2 import Environment, TemplateError

from generator.errors import RenderError
from generator.render.context import ReportContext


def render_html(env: Environment, context: ReportContext, *, medium: str, template: str = "report.html") -> str:
    """Render the report for `medium` ("screen" or "print"); the site page uses site/issue.html."""
    try:
        values = {f: getattr(context, f) for f in context.__dataclass_fields__}
        return env.get_template(template).render(**values, medium=medium)
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)  # a syntax error knows where it is; an error while rendering does not
        where = f" ({getattr(exc, 'filename', None)}:{line})" if line else ""
        raise RenderError(f"report template failed{where}: {type(exc).__name__}: {exc.message}",
                          "check the templates in templates_dir against the built-in ones in templates/") from None
