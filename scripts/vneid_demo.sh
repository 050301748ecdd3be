# Sourced by run.sh: in demo mode, a local OpenID Connect provider (oidc-provider-mock, PyPI) on loopback
# stands in for the national e-ID, so "Đăng nhập bằng VNeID" works on a laptop. Outside demo mode nothing
# starts (and the portal refuses a plain-http VNeID provider: core/startup.py). An operator who set
# DVC_VNEID_DISCOVERY_URL keeps their own provider. Sets $vneid to the provider's pid (empty if none).
vneid=""
if [ "${DVC_DEMO:-${DVC_DEV:-0}}" = "1" ] && [ -z "${DVC_VNEID_DISCOVERY_URL:-}" ] \
  && .venv/bin/python -c "import oidc_provider_mock" 2>/dev/null; then
  VNEID_PORT=${VNEID_PORT:-9400}
  mkdir -p var
  # People the demo provider knows (click one on its sign-in page): the demo citizen (already verified at
  # the counter, so the sign-in links that account), a new citizen, and a business. Any other "sub" typed on
  # that page is a person without national claims (refused). Register an account with 038190012346 first
  # to see the portal ask for that account's password before linking it.
  .venv/bin/python -m oidc_provider_mock --host 127.0.0.1 --port "$VNEID_PORT" --require-nonce=true \
    --user-claims '{"sub": "vneid-038090012345", "SoDinhDanh": "038090012345", "HoVaTen": "Nguyễn Văn An", "NgayThangNamSinh": "1990-05-15", "GioiTinh": "Nam", "SoDienThoai": "0912345678", "LoaiTaiKhoan": "1"}' \
    --user-claims '{"sub": "vneid-038190012346", "SoDinhDanh": "038190012346", "HoVaTen": "Trần Thị Bình", "NgayThangNamSinh": "1990-08-20", "GioiTinh": "Nữ", "SoDienThoai": "0987654321", "ThuDienTu": "binh@example.vn", "LoaiTaiKhoan": "1"}' \
    --user-claims '{"sub": "vneid-dn-3800123454", "SoDinhDanh": "038090012347", "HoVaTen": "Lê Văn Cường", "NgayThangNamSinh": "1990-01-02", "GioiTinh": "Nam", "LoaiTaiKhoan": "2", "MaSoDoanhNghiep": "3800123454", "TenDoanhNghiep": "Công ty TNHH Thử Nghiệm Hạc Thành"}' \
    >var/vneid-demo.log 2>&1 &
  vneid=$!
  # Offer the button only once the provider answers (a provider that failed to start would only give a
  # "VNeID unavailable" page): up to 15 s.
  discovery="http://127.0.0.1:$VNEID_PORT/.well-known/openid-configuration"
  for _ in $(seq 30); do
    .venv/bin/python -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" \
      "$discovery" 2>/dev/null && break
    sleep 0.5
  done
  if ! .venv/bin/python -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" \
    "$discovery" 2>/dev/null; then
    echo "!! VNeID thử nghiệm không khởi động được (xem var/vneid-demo.log); nút VNeID không hiển thị." >&2
    kill "$vneid" 2>/dev/null || true
    vneid=""
  fi
fi
if [ -n "$vneid" ]; then
  export DVC_IDENTITY_PROVIDERS=${DVC_IDENTITY_PROVIDERS:-demo,vneid}
  export DVC_VNEID_DISCOVERY_URL="$discovery"
  export DVC_VNEID_CLIENT_ID=dvc-demo
  export DVC_VNEID_CLIENT_SECRET=demo-secret
fi
