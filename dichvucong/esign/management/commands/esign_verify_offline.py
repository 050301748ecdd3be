"""Verify a result's QR code without the database, with the agency's certificate (PEM) only.

    manage.py esign_verify_offline "https://…/xac-minh/?v=1&d=…" --certificate agency.pem [--pdf ket-qua.pdf]

With ``--pdf`` the file's PAdES signature is checked too (trust root: the certificate's issuer, given with
``--ca``). Exit status 0 when valid, 1 otherwise.
"""

from __future__ import annotations

from pathlib import Path

from cryptography import x509
from django.core.management.base import BaseCommand, CommandError

from dichvucong.esign import keys, pdf, qr


class Command(BaseCommand):
    help = "Xác minh mã QR của kết quả điện tử không cần mạng, bằng chứng thư số công khai của cơ quan."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("payload")
        parser.add_argument("--certificate", required=True, help="chứng thư số của cơ quan (PEM)")
        parser.add_argument("--pdf", help="tệp PDF kết quả")
        parser.add_argument(
            "--ca", help="chứng thư số của tổ chức cấp (PEM), để kiểm tra chữ ký trên tệp PDF"
        )

    def handle(self, *args, **options):
        certificate = x509.load_pem_x509_certificate(Path(options["certificate"]).read_bytes())
        try:
            payload = qr.parse(options["payload"])
        except qr.PayloadInvalid as exc:
            raise CommandError("Nội dung mã QR không đúng định dạng.") from exc
        if payload.key_id != keys.key_id_of(certificate):
            raise CommandError("Mã QR được ký bằng khóa khác với chứng thư số đã cho.")
        if not qr.signature_valid(payload, certificate):
            raise CommandError("GIẢ MẠO: chữ ký trên mã QR không hợp lệ.")
        self.stdout.write(
            f"Chữ ký mã QR hợp lệ: hồ sơ {payload.dossier_code}, kết quả {payload.result_code}, "
            f"ngày {payload.issued_on_label}, SHA-256 {payload.document_sha256}"
        )
        if options["pdf"]:
            roots = (
                [x509.load_pem_x509_certificate(Path(options["ca"]).read_bytes())] if options["ca"] else []
            )
            found = pdf.check(Path(options["pdf"]).read_bytes(), trust_roots=roots or [certificate])
            if not found.ok:
                raise CommandError(f"Tệp PDF không hợp lệ: {found.problem}")
            if qr.parse(found.payload_query) != payload:
                raise CommandError("Tệp PDF không khớp với mã QR.")
            self.stdout.write("Tệp PDF có chữ ký số hợp lệ, chưa bị sửa đổi, khớp với mã QR.")
