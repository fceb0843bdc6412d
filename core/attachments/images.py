"""What an upload really is, decided by decoding it: a JPEG, PNG or WebP photo (re-encoded
from its pixels, with a phone-sized copy) or a PDF document (by its magic bytes, stored as
sent). Anything else is refused with a Chinese reason naming ``/file``, never the content.

Re-encoding from pixels is what strips personal data: the new image is built from the
decoded pixels alone, so EXIF (GPS, camera make and model, times), XMP, maker notes and the
ICC profile (which may name the device) cannot survive, whatever tag they hid in. The
orientation EXIF asked for is applied first, and a wide-gamut photo is converted to sRGB so
dropping its profile does not change its colours."""

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from core.api.errors import ServiceError

POINTER = "/file"
DECODERS = ("JPEG", "PNG", "WEBP")  # Pillow tries no other format on an upload
# A JPEG with a second picture (MPO: many phones' portrait and 3D shots) comes out as a JPEG.
OUTPUT = {
    "JPEG": ("JPEG", "image/jpeg"),
    "MPO": ("JPEG", "image/jpeg"),
    "PNG": ("PNG", "image/png"),
    "WEBP": ("WEBP", "image/webp"),
}
PDF_TYPE = "application/pdf"
# ISO-BMFF brands of HEIC/HEIF/AVIF: what iPhones save by default; Pillow cannot decode them.
HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif")
QUALITY_FULL, QUALITY_PHONE = 90, 80


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 10 * 1024 * 1024
    max_pixels: int = 40_000_000  # a 40 MP RGBA photo decodes to 160 MB; a few copies are made
    phone_side: int = 1280
    allow_pdf: bool = True

    @classmethod
    def from_config(cls, config, allow_pdf=True):
        return cls(
            max_bytes=config.get("ATTACHMENT_MAX_BYTES", cls.max_bytes),
            max_pixels=config.get("ATTACHMENT_MAX_PIXELS", cls.max_pixels),
            phone_side=config.get("ATTACHMENT_PHONE_SIDE", cls.phone_side),
            allow_pdf=allow_pdf,
        )


@dataclass(frozen=True)
class Prepared:
    """What will be stored: ``content`` (the clean full copy), ``phone`` (None for a PDF)."""

    content: bytes
    phone: bytes | None
    media_type: str
    width: int | None = None
    height: int | None = None


def refused(detail, status=422):
    return ServiceError(status, detail, POINTER)


def prepare_upload(content, limits):
    """The checked, cleaned upload; raises ``ServiceError`` (pointer ``/file``) otherwise."""
    if not content:
        raise refused("文件是空的，请重新选择。")
    if len(content) > limits.max_bytes:
        raise refused(f"文件过大：每个附件最多 {limits.max_bytes // (1024 * 1024)} MB。", status=413)
    if content.startswith(b"%PDF-"):
        if not limits.allow_pdf:
            raise refused("这里只能上传照片（JPEG、PNG 或 WebP）。")
        return Prepared(content=content, phone=None, media_type=PDF_TYPE)
    if content[4:8] == b"ftyp" and content[8:12] in HEIF_BRANDS:
        raise refused(
            "暂不支持 HEIC/HEIF 格式的照片（苹果手机的默认格式）。请在相机设置中选择“兼容性最佳”，"
            "或把照片转成 JPEG 后再上传。"
        )
    image = _decoded(content, limits)
    return _cleaned(image, limits)


def _decoded(content, limits):
    """The first frame, fully decoded, after the pixel count was checked from the header."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content), formats=DECODERS)
            if image.width * image.height > limits.max_pixels:
                raise _too_many_pixels(limits)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(limits) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise refused("无法识别的文件：请上传 JPEG、PNG 或 WebP 格式的照片，或 PDF 文件。") from None
    return image


def _too_many_pixels(limits):
    return refused(f"图片尺寸过大：最多 {limits.max_pixels // 1_000_000} 百万像素，请缩小后再上传。")


def _cleaned(image, limits):
    source_format = image.format
    upright = _in_srgb(ImageOps.exif_transpose(image), image.info.get("icc_profile"))
    output_format, media_type = OUTPUT[source_format]
    pixels = _pixels_only(upright, keep_alpha=output_format != "JPEG")
    return Prepared(
        content=_encoded(pixels, output_format, QUALITY_FULL),
        phone=_phone_copy(pixels, limits.phone_side),
        media_type=media_type,
        width=pixels.width,
        height=pixels.height,
    )


def _in_srgb(image, profile):
    if not profile:
        return image
    try:
        converted = ImageCms.profileToProfile(
            image,
            ImageCms.ImageCmsProfile(io.BytesIO(profile)),
            ImageCms.createProfile("sRGB"),
            outputMode="RGBA" if "A" in image.getbands() else "RGB",
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # a broken profile: keep the pixels as they are, still without it
    return converted or image


def _pixels_only(image, keep_alpha):
    """A new image made from the pixels alone: no ``info``, so nothing the camera wrote."""
    has_alpha = "A" in image.getbands() or (image.mode == "P" and "transparency" in image.info)
    mode = "RGBA" if keep_alpha and has_alpha else ("L" if image.mode in ("1", "L", "I;16") else "RGB")
    clean = Image.new(mode, image.size)
    clean.paste(image.convert(mode))  # pixels only: the new image's info is empty
    return clean


def _encoded(image, output_format, quality):
    buffer = io.BytesIO()
    if output_format == "PNG":
        image.save(buffer, "PNG", optimize=True)
    else:
        image.save(buffer, output_format, quality=quality)
    return buffer.getvalue()


def _phone_copy(image, longest_side):
    """A JPEG no larger than ``longest_side`` on its longest side; transparency on white."""
    copy = image.copy()
    copy.thumbnail((longest_side, longest_side), Image.Resampling.LANCZOS)
    if copy.mode == "RGBA":
        flat = Image.new("RGB", copy.size, "white")
        flat.paste(copy, mask=copy.getchannel("A"))
        copy = flat
    return _encoded(copy, "JPEG", QUALITY_PHONE)
