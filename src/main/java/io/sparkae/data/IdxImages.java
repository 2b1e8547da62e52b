package io.sparkae.data;

/**
 * The pixels of an IDX image file (the MNIST format), as read by {@link IdxReader}.
 *
 * <p>{@code pixels} holds {@code count * height * width} unsigned bytes (0..255, read them with
 * {@code b & 0xff} or {@link #pixel}), image after image, each image row-major: pixel {@code (r, c)} of image
 * {@code i} is at {@code i * height * width + r * width + c}. Bytes, not floats, so that the 60,000 MNIST digits
 * take 47 MB on the driver rather than 188 MB; {@link DataSources} scales them to [0, 1] row by row.
 *
 * <p>The array is shared, not copied: the record is a carrier between the reader and the data sources, and
 * {@code equals} compares the array by reference as every record does.
 *
 * @param count the number of images
 * @param height the number of pixel rows per image
 * @param width the number of pixel columns per image
 * @param pixels the unsigned pixel bytes, {@code count * height * width} of them
 */
public record IdxImages(int count, int height, int width, byte[] pixels) {

  /** Checks that the dimensions are nonnegative and agree with the length of {@code pixels}. */
  public IdxImages {
    if (count < 0 || height < 0 || width < 0) {
      throw new IllegalArgumentException(
          "IDX image dimensions must be nonnegative, found " + count + " x " + height + " x " + width);
    }
    if (pixels == null || pixels.length != (long) count * height * width) {
      throw new IllegalArgumentException("IDX images of " + count + " x " + height + " x " + width + " need "
          + (long) count * height * width + " pixel bytes, found " + (pixels == null ? "null" : pixels.length));
    }
  }

  /** The number of pixels in one image, {@code height * width}. */
  public int pixelsPerImage() {
    return height * width;
  }

  /** Pixel {@code (row, col)} of image {@code image}, as an int in 0..255. */
  public int pixel(int image, int row, int col) {
    if (image < 0 || image >= count || row < 0 || row >= height || col < 0 || col >= width) {
      throw new IndexOutOfBoundsException("pixel (" + image + ", " + row + ", " + col + ") is outside "
          + count + " x " + height + " x " + width);
    }
    return pixels[image * pixelsPerImage() + row * width + col] & 0xff;
  }

  @Override
  public String toString() {
    return "IdxImages[" + count + " x " + height + " x " + width + "]";
  }
}
