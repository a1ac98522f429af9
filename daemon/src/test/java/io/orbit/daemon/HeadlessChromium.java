package io.orbit.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's {@code chromium} driven by Debian's {@code chromedriver}, headless: the browser of the dashboard's tests,
 * installed by {@code scripts/setup-browser.sh} (which {@code scripts/test.sh} runs). Selenium is given both paths,
 * so it never looks for or downloads a browser of its own.
 *
 * <p>A missing browser skips the test with the reason and the fix on a developer machine, and fails it under {@code
 * CI=true}, as a missing engine does.
 */
final class HeadlessChromium {

    static final Path BROWSER = Path.of(System.getenv().getOrDefault("ORBIT_CHROMIUM", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getenv().getOrDefault("ORBIT_CHROMEDRIVER", "/usr/bin/chromedriver"));

    private HeadlessChromium() {}

    /** A new headless browser window of this size; skips (or fails under CI=true) when the browser is missing. */
    static ChromeDriver open(int width, int height) {
        for (Path required : List.of(BROWSER, DRIVER)) {
            if (!Files.isExecutable(required)) {
                String reason =
                        "no %s (set ORBIT_CHROMIUM / ORBIT_CHROMEDRIVER, or run scripts/setup-browser.sh as root:"
                                        .formatted(required)
                                + " it installs Debian's chromium and chromium-driver)";
                if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                    throw new AssertionError("CI=true and " + reason);
                }
                Assumptions.abort(reason);
            }
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox", // the tests run as root
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--window-size=" + width + "," + height);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(30))
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return driver;
    }

    /** A PNG of the window. */
    static void screenshot(ChromeDriver driver, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }
}
