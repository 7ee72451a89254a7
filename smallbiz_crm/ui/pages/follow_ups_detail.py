"""The line under the follow-up list: who the current follow-up is for, and how to talk to them."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from smallbiz_crm.domain.records.follow_ups import FollowUpRow


class FollowUpDetail(QLabel):
    """Name, phone, stage, a link to the profile, the persona's hint and any outcome."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("followUpDetail")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * 2 + 8)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

    def show_row(self, record: FollowUpRow | None) -> None:
        if record is None:
            self.setText(self.tr("Select a follow-up to see who it is for; "
                                 "select several to work them together."))
            return
        parts = [f"<b>{escape(record.customer_name)}</b>"]
        if record.phone:
            parts.append(escape(record.phone))
        parts.append(escape(record.stage_name))
        link = escape(self.tr("Open the profile"))
        text = " · ".join(parts) + f' · <a href="profile">{link}</a>'
        if record.persona_name and record.persona_hint:
            hint = record.persona_hint[:1].lower() + record.persona_hint[1:].rstrip(".")
            text += "<br>" + self.tr("{0}: talk to them with {1}").format(
                f"<i>{escape(record.persona_name)}</i>", escape(hint))
        elif record.persona_name:
            text += f"<br><i>{escape(record.persona_name)}</i>"
        if record.outcome:
            text += "<br>" + escape(self.tr("Outcome: {0}").format(record.outcome))
        self.setText(text)
