"""StreamField blocks that training content needs (no block depends on the internet: video is a file or a link)."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock


class VideoBlock(blocks.StructBlock):
    """An uploaded video file (a Wagtail document) or a link; never an oEmbed that needs the internet."""

    title = blocks.CharBlock(label=_("title"), required=False)
    file = DocumentChooserBlock(label=_("video file"), required=False)
    url = blocks.URLBlock(label=_("or a link"), required=False)
    transcript = blocks.TextBlock(label=_("transcript"), required=False)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    description = blocks.CharBlock(label=_("description"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Document download")
        template = "courses/blocks/document.html"


class SopStepBlock(blocks.StructBlock):
    step = blocks.CharBlock(label=_("step"))
    key_action = blocks.TextBlock(label=_("key action"))
    script = blocks.TextBlock(label=_("script"), required=False)
    caution = blocks.TextBlock(label=_("caution"), required=False)


class SopStepsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False)
    steps = blocks.ListBlock(SopStepBlock(), label=_("steps"))

    class Meta:
        icon = "list-ol"
        label = _("SOP steps")
        template = "courses/blocks/sop_steps.html"


class DialogueLineBlock(blocks.StructBlock):
    speaker = blocks.ChoiceBlock(
        choices=[("agent", _("Agent")), ("customer", _("Customer"))], label=_("speaker")
    )
    text = blocks.TextBlock(label=_("line"))


class DialogueBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False)
    lines = blocks.ListBlock(DialogueLineBlock(), label=_("lines"))

    class Meta:
        icon = "openquote"
        label = _("Dialogue script")
        template = "courses/blocks/dialogue.html"


class CalloutBlock(blocks.StructBlock):
    tone = blocks.ChoiceBlock(
        choices=[("info", _("Information")), ("tip", _("Tip")), ("warning", _("Caution"))],
        default="info",
        label=_("tone"),
    )
    text = blocks.RichTextBlock(label=_("text"), features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "courses/blocks/callout.html"


class LessonBodyBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(
        label=_("Text"), features=["h2", "h3", "bold", "italic", "link", "ol", "ul", "hr"]
    )
    image = ImageChooserBlock(label=_("Image"))
    video = VideoBlock()
    document = DocumentBlock()
    sop_steps = SopStepsBlock()
    dialogue = DialogueBlock()
    callout = CalloutBlock()
