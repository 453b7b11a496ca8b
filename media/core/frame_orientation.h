// Pixel rearrangements that undo how a camera stored a picture: EXIF
// Orientation values 1-8 (JPEG) and the 90-degree rotations of video display
// matrices. Vision models see the picture the way a person would.
#pragma once

#include "media/core/rgb_frame.h"

namespace mosaic::media {

// Returns the frame as it should be displayed for EXIF Orientation 1..8
// (TIFF tag 0x0112). Other values leave the frame unchanged.
RgbFrame apply_exif_orientation(const RgbFrame& frame, int exif_orientation);

// Rotates clockwise by a multiple of 90 degrees (others rounded to the nearest).
RgbFrame rotate_clockwise(const RgbFrame& frame, int degrees);

}  // namespace mosaic::media
